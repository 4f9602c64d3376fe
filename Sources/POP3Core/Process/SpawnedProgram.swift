#if canImport(Glibc)
import Glibc
#endif

/// A helper program (`secret-tool`): stdin and stderr on `/dev/null`,
/// stdout captured, killed when it overruns its time.
enum SpawnedProgram {
    struct Result {
        var status: Int32
        var output: [UInt8]
    }

    /// Runs `executable` with `arguments`; `nil` if it cannot be started or
    /// had to be killed.
    static func run(_ executable: String, _ arguments: [String], timeoutSeconds: Int) -> Result? {
        guard case .success(let ends) = Spawn.makePipe() else { return nil }
        let fds = [ends.read, ends.write]
        let started = Spawn.start(executable, arguments, stdin: .null, stdout: .descriptor(ends.write), stderr: .null)
        close(fds[1])
        guard case .success(let pid) = started else {
            close(fds[0])
            return nil
        }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_sec += timeoutSeconds
        var killed = false
        while true {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1_000_000
            if left <= 0 {
                kill(pid, SIGKILL)
                killed = true
                break
            }
            var entry = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: left))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        close(fds[0])
        let status = Spawn.reap(pid)
        if killed { return nil }
        switch status {
        case .exited(let code): return Result(status: code, output: output)
        case .signaled(let signal): return Result(status: 128 + signal, output: output)
        }
    }
}
