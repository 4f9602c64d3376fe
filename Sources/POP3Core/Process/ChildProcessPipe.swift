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
    public typealias StartFailure = SpawnError

    /// What became of one ``write(_:)``.
    public enum WriteResult: Equatable {
        /// Every byte went into the pipe.
        case written
        /// The child closed its end (EPIPE): it exited or will not read more.
        case readerGone
        /// Another write error, with its `errno`.
        case failed(Int32)
    }

    /// The child's process ID (with ``Supervision``, the supervisor's).
    public let pid: pid_t
    private var input: Int32
    private var status: ChildProcessStatus?
    /// With ``Supervision``: the control pipe to the supervisor and the
    /// pipe it reports the child's status on.
    private var control: Int32 = -1
    private var result: Int32 = -1

    /// A child run under a supervisor process (see
    /// `csupport_spawn_supervised`): the child never sees the end of its
    /// input unless ``closeInput()`` says the input is complete, even when
    /// mpop dies first (the supervisor then kills it), and its status is
    /// written to `outcomeFile` when given, for a later run to read.
    public struct Supervision: Sendable {
        public var outcomeFile: String?
        public init(outcomeFile: String?) {
            self.outcomeFile = outcomeFile
        }
    }

    /// Starts `/bin/sh -c command`, under a supervisor with `supervision`.
    /// - Throws: ``StartFailure`` when the pipe or the process cannot be made.
    public init(shellCommand command: String, supervision: Supervision? = nil) throws(StartFailure) {
        let (readEnd, writeEnd) = try Spawn.makePipe().get()
        if let supervision {
            let words: [String] = ["sh", "-c", command]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var control: Int32 = -1, result: Int32 = -1
            let started = argv.withUnsafeBufferPointer { arguments in
                if let outcome = supervision.outcomeFile {
                    return csupport_spawn_supervised(arguments.baseAddress, csupport_environ(), readEnd, writeEnd,
                                                     outcome, &control, &result)
                }
                return csupport_spawn_supervised(arguments.baseAddress, csupport_environ(), readEnd, writeEnd,
                                                 nil, &control, &result)
            }
            let code = errno
            Glibc.close(readEnd)
            guard started > 0 else {
                Glibc.close(writeEnd)
                throw SpawnError(errno: code)
            }
            pid = started
            input = writeEnd
            self.control = control
            self.result = result
            return
        }
        let started = Spawn.shell(command, stdin: .descriptor(readEnd))
        Glibc.close(readEnd)
        switch started {
        case .success(let pid):
            self.pid = pid
            input = writeEnd
        case .failure(let error):
            Glibc.close(writeEnd)
            throw error
        }
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

    /// Closes the child's stdin, so that it sees end of file: the input is
    /// complete (a supervisor is told so). Idempotent.
    public func closeInput() {
        guard input >= 0 else { return }
        Glibc.close(input)
        input = -1
        if control >= 0 {
            var complete = UInt8(ascii: "C")
            while Glibc.write(control, &complete, 1) < 0 && errno == EINTR {}
            Glibc.close(control)
            control = -1
        }
    }

    /// Closes stdin if still open, then waits for the child to end (retrying
    /// after EINTR, as `pclose` does). Idempotent.
    @discardableResult
    public func wait() -> ChildProcessStatus {
        closeInput()
        if let status { return status }
        let ended = result >= 0 ? reportedStatus() : Spawn.reap(pid)
        status = ended
        return ended
    }

    /// The child's status as the supervisor reports it, once the supervisor
    /// is reaped; a supervisor that reported nothing counts as the child's
    /// death by SIGKILL.
    private func reportedStatus() -> ChildProcessStatus {
        var text: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(result, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == UInt8(ascii: "\n") { break }
            text.append(byte)
        }
        Glibc.close(result)
        result = -1
        _ = Spawn.reap(pid)
        guard let raw = Int32(String(decoding: text, as: UTF8.self)) else { return .signaled(SIGKILL) }
        return raw < 0 ? .signaled(0) : ChildProcessStatus(waitStatus: raw)
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
        if control >= 0 {
            // Without the word that the input is complete, the supervisor
            // kills the child before it can see end of file.
            Glibc.close(control)
            control = -1
            Glibc.close(input)
            input = -1
            status = reportedStatus()
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
        status = Spawn.reap(pid)
    }

    deinit {
        // A safety net for an owner that neither waited nor terminated:
        // never leave a zombie or a half-fed delivery agent behind.
        if status == nil {
            terminate(grace: 0)
        }
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
