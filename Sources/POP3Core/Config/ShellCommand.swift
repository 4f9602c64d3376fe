#if canImport(Glibc)
import Glibc
#endif
import CSupport

/// Runs a command through `/bin/sh -c` and reads the first line of its
/// output, as mpop's `popen` + `fgets` does for `eval` and `passwordeval`.
///
/// The child inherits stdin and stderr (so a `gpg` prompt still works and
/// its messages reach the user); its exit status is ignored, as mpop
/// ignores it.
public enum ShellCommand {
    public enum Failure: Error, Equatable {
        /// The command could not be started; the `strerror` text.
        case cannotStart(String)
        /// It wrote nothing at all before closing its output.
        case noOutput
    }

    /// The first line of the command's standard output, without its `\n` or
    /// `\r\n`. An empty first line gives `""`; no output at all is
    /// ``Failure/noOutput``.
    public static func firstLine(of command: String) throws(Failure) -> String {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw .cannotStart(String(cString: strerror(errno)))
        }
        // Only the child's stdout may keep the write end open, or EOF never comes.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let readEnd = fds[0], writeEnd = fds[1]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        var attributes = SpawnedProgram.defaultSignalAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, csupport_environ())
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw .cannotStart(String(cString: strerror(spawned)))
        }

        var line: [UInt8] = []
        var sawAnything = false
        var endedWithNewline = false
        var byte: UInt8 = 0
        while true {
            let n = read(readEnd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            sawAnything = true
            if byte == UInt8(ascii: "\n") {
                endedWithNewline = true
                break
            }
            line.append(byte)
        }
        close(readEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}

        guard sawAnything else { throw .noOutput }
        // mpop handles the line as a C string.
        if let nul = line.firstIndex(of: 0) {
            line.removeSubrange(nul...)
            endedWithNewline = false
        }
        // Like mpop, a `\r` goes only together with the `\n` after it.
        if endedWithNewline && line.last == UInt8(ascii: "\r") {
            line.removeLast()
        }
        return String(decoding: line, as: UTF8.self)
    }
}
