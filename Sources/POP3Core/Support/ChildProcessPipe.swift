#if canImport(Glibc)
import Glibc
#endif
import CSupport

/// A `/bin/sh -c COMMAND` child whose standard input is a pipe we write to:
/// what `popen(COMMAND, "w")` gives mpop, without stdio and without a
/// process-wide SIGPIPE handler.
///
/// The child inherits the environment, the working directory, stdout and
/// stderr; it starts with every signal at its default action and an empty
/// signal mask, whatever this process ignores or blocks (a mail delivery
/// agent must be killable with SIGPIPE or SIGINT as from a shell). It stays
/// in our process group, as with `popen`, so Ctrl-C at the terminal reaches it.
///
/// Not thread-safe; one owner writes, closes and waits.
public final class ChildProcessPipe {
    /// Why the child could not be started: the `errno` of `pipe2` or `posix_spawn`.
    public struct StartFailure: Error, Equatable {
        public let errno: Int32
    }

    /// What became of one ``write(_:)``.
    public enum WriteResult: Equatable {
        /// Every byte went into the pipe.
        case written
        /// The child closed its end (EPIPE): it exited or will not read more.
        case readerGone
        /// Another write error, with its `errno`.
        case failed(Int32)
    }

    /// The child's process ID.
    public let pid: pid_t
    private var input: Int32
    private var status: ChildProcessStatus?

    /// Starts `/bin/sh -c command`.
    /// - Throws: ``StartFailure`` when the pipe or the process cannot be made.
    public init(shellCommand command: String) throws(StartFailure) {
        var ends: [Int32] = [-1, -1]
        // O_CLOEXEC on both ends from the start: a child started at the same
        // moment by another thread must not inherit our write end, or this
        // child would never see end of file.
        guard Self.makeCloseOnExecPipe(&ends) == 0 else {
            throw StartFailure(errno: errno)
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears FD_CLOEXEC on the copy (glibc does so even when the read
        // end already is descriptor 0), so only stdin survives the exec.
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        // Descriptors opened without O_CLOEXEC elsewhere in the process (the
        // server connection, a mailbox) are none of the agent's business.
        _ = Self.closeFrom3?.call(&actions, 3)

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

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, csupport_environ())
        Glibc.close(readEnd)
        guard result == 0 else {
            Glibc.close(writeEnd)
            throw StartFailure(errno: result)
        }
        self.pid = pid
        self.input = writeEnd
    }

    /// Writes all of `bytes` to the child's stdin, blocking while the pipe is full.
    ///
    /// SIGPIPE is blocked in the calling thread during the write and a SIGPIPE
    /// raised by it is consumed, so a child that stops reading gives
    /// ``WriteResult/readerGone`` instead of killing mpop, without changing
    /// the signal disposition of the whole process.
    public func write(_ bytes: UnsafeRawBufferPointer) -> WriteResult {
        precondition(input >= 0, "write after closeInput()")
        guard var base = bytes.baseAddress, bytes.count > 0 else { return .written }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }

        var left = bytes.count
        while left > 0 {
            let written = Glibc.write(input, base, left)
            if written < 0 {
                let error = errno
                if error == EINTR { continue }
                if error == EPIPE {
                    Self.consumePendingSIGPIPE(unlessBlockedIn: previousMask)
                    return .readerGone
                }
                return .failed(error)
            }
            left -= written
            base += written
        }
        return .written
    }

    /// Closes the child's stdin, so that it sees end of file. Idempotent.
    public func closeInput() {
        guard input >= 0 else { return }
        Glibc.close(input)
        input = -1
    }

    /// Closes stdin if still open, then waits for the child to end (retrying
    /// after EINTR, as `pclose` does). Idempotent.
    @discardableResult
    public func wait() -> ChildProcessStatus {
        closeInput()
        if let status { return status }
        let ended = Self.reap(pid)
        status = ended
        return ended
    }

    /// Ends the child without letting it see end of file first: SIGTERM, up to
    /// `grace` seconds for it to go, then SIGKILL; then closes stdin and reaps
    /// it. A delivery agent killed this way never sees a complete message, so
    /// it cannot deliver a truncated one.
    public func terminate(grace: Double = 1) {
        guard status == nil else {
            closeInput()
            return
        }
        kill(pid, SIGTERM)
        var waited = 0.0
        var raw: Int32 = 0
        while waited < grace {
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid {
                status = ChildProcessStatus(waitStatus: raw)
                closeInput()
                return
            }
            if reaped < 0 && errno != EINTR { break }
            usleep(10_000)
            waited += 0.01
        }
        kill(pid, SIGKILL)
        closeInput()
        status = Self.reap(pid)
    }

    deinit {
        // A safety net for an owner that neither waited nor terminated:
        // never leave a zombie or a half-fed delivery agent behind.
        if status == nil {
            terminate(grace: 0)
        }
    }

    private static func reap(_ pid: pid_t) -> ChildProcessStatus {
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

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later),
    /// hidden behind `_GNU_SOURCE` like `pipe2`.
    private struct AddCloseFromFunction: @unchecked Sendable {
        let call: AddCloseFrom
    }

    private static let closeFrom3 = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { AddCloseFromFunction(call: unsafeBitCast($0, to: AddCloseFrom.self)) }

    /// glibc's `pipe2`, which its Swift module does not export (it needs
    /// `_GNU_SOURCE`); looked up once.
    private struct Pipe2Function: @unchecked Sendable {
        let call: Pipe2?
    }

    private static let pipe2 = Pipe2Function(call: dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) })

    /// `pipe2(ends, O_CLOEXEC)`, or where it is missing `pipe` and then
    /// `FD_CLOEXEC`, which leaves a short window for other threads' children.
    private static func makeCloseOnExecPipe(_ ends: inout [Int32]) -> Int32 {
        if let pipe2 = pipe2.call {
            return ends.withUnsafeMutableBufferPointer { pipe2($0.baseAddress!, O_CLOEXEC) }
        }
        guard pipe(&ends) == 0 else { return -1 }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return 0
    }

    /// Takes back the SIGPIPE our own write raised (Linux sends it to the
    /// writing thread), so that it does not fire when the mask is restored.
    private static func consumePendingSIGPIPE(unlessBlockedIn previousMask: sigset_t) {
        var previousMask = previousMask
        guard sigismember(&previousMask, SIGPIPE) == 0 else { return }
        var pending = sigset_t()
        sigpending(&pending)
        guard sigismember(&pending, SIGPIPE) == 1 else { return }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var noWait = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeSignal, nil, &noWait)
    }
}
