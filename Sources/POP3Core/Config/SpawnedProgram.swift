#if canImport(Glibc)
import Glibc
#endif
import CSupport

/// A helper program run with `posix_spawn`: stdin and stderr on
/// `/dev/null`, stdout captured, killed when it overruns its time.
enum SpawnedProgram {
    struct Result {
        var status: Int32
        var output: [UInt8]
    }

    /// Spawn attributes that give the child the default action for SIGPIPE
    /// (which mpop in Swift ignores for itself), so a helper writing to a
    /// closed pipe ends quietly as it would when started from a shell.
    /// The caller destroys them.
    static func defaultSignalAttributes() -> posix_spawnattr_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        return attributes
    }

    /// Runs `executable` with `arguments`; `nil` if it cannot be started or
    /// had to be killed.
    static func run(_ executable: String, _ arguments: [String], timeoutSeconds: Int) -> Result? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var attributes = SpawnedProgram.defaultSignalAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        var pid: pid_t = 0
        var spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, csupport_environ())
        // A program file that was just written may still be open for writing
        // in another thread's freshly forked child; that passes at once.
        var retries = 0
        while spawned == ETXTBSY && retries < 20 {
            usleep(10_000)
            retries += 1
            spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, csupport_environ())
        }
        close(fds[1])
        guard spawned == 0 else {
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
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if killed { return nil }
        let exited = status & 0x7f == 0
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}
