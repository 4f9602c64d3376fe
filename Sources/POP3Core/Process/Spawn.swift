#if canImport(Glibc)
import Glibc
#endif
import CSupport

/// `posix_spawn` as every child of mpop needs it: the environment, every
/// signal at its default action and an empty signal mask (whatever this
/// process ignores or blocks: a delivery agent or `gpg` must behave as when
/// started from a shell), and no descriptor but the three standard ones.
enum Spawn {
    /// Where one of the child's standard descriptors comes from.
    enum Source {
        /// Ours, shared.
        case inherit
        /// `/dev/null`.
        case null
        /// This descriptor (one end of a pipe).
        case descriptor(Int32)
    }

    /// Starts `executable` (a full path) with `arguments` (without argv[0],
    /// which is `name`, or the path).
    /// - Returns: the child's pid, or the `errno` of `posix_spawn`.
    static func start(_ executable: String, _ arguments: [String], name: String? = nil, stdin: Source = .inherit,
                      stdout: Source = .inherit, stderr: Source = .inherit) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch source {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd):
                // dup2 clears FD_CLOEXEC on the copy, so only it survives the exec.
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        // Descriptors opened without O_CLOEXEC elsewhere (the server
        // connection, a mailbox) are none of the child's business.
        _ = closeFrom3?.call(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([name ?? executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, executable, &actions, &attributes, argv, csupport_environ())
        // A program file that was just written may still be open for writing
        // in another thread's freshly started child; that passes at once.
        var retries = 0
        while result == ETXTBSY && retries < 20 {
            usleep(10_000)
            retries += 1
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, csupport_environ())
        }
        return result == 0 ? .success(pid) : .failure(SpawnError(errno: result))
    }

    /// Starts `/bin/sh -c command` as `popen` does, with `sh` as its name
    /// (the shell's own messages begin with it).
    static func shell(_ command: String, stdin: Source = .inherit, stdout: Source = .inherit,
                      stderr: Source = .inherit) -> Result<pid_t, SpawnError> {
        start("/bin/sh", ["-c", command], name: "sh", stdin: stdin, stdout: stdout, stderr: stderr)
    }

    /// A pipe with O_CLOEXEC on both ends from the start: a child started at
    /// the same moment by another thread must not inherit an end, or the
    /// reader would never see end of file.
    static func makePipe() -> Result<(read: Int32, write: Int32), SpawnError> {
        var ends: [Int32] = [-1, -1]
        if let pipe2 = pipe2.call {
            guard ends.withUnsafeMutableBufferPointer({ pipe2($0.baseAddress!, O_CLOEXEC) }) == 0 else {
                return .failure(SpawnError(errno: errno))
            }
        } else {
            guard pipe(&ends) == 0 else { return .failure(SpawnError(errno: errno)) }
            for fd in ends {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        return .success((ends[0], ends[1]))
    }

    /// Waits for `pid` to end, retrying after EINTR as `pclose` does.
    static func reap(_ pid: pid_t) -> ChildProcessStatus {
        var raw: Int32 = 0
        while true {
            let reaped = waitpid(pid, &raw, 0)
            if reaped == pid { return ChildProcessStatus(waitStatus: raw) }
            if reaped < 0 && errno != EINTR {
                // ECHILD: someone else reaped it; mpop's pclose reports -1,
                // which it treats like a death by signal.
                return .signaled(0)
            }
        }
    }

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later)
    /// and `pipe2`, which its Swift module hides behind `_GNU_SOURCE`;
    /// looked up once.
    private struct AddCloseFromFunction: @unchecked Sendable {
        let call: AddCloseFrom
    }

    private struct Pipe2Function: @unchecked Sendable {
        let call: Pipe2?
    }

    private static let closeFrom3 = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { AddCloseFromFunction(call: unsafeBitCast($0, to: AddCloseFrom.self)) }

    private static let pipe2 = Pipe2Function(call: dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) })
}

/// A child could not be started: the `errno` of `pipe2` or `posix_spawn`.
public struct SpawnError: Error, Equatable {
    public let errno: Int32
}
