#if canImport(Glibc)
import Glibc
#endif

/// A failed delivery or header filter, worded as mpop 1.4.18 words it
/// (`src/delivery.c`, `pop3.c:pop3_pipe`). Every case exits with
/// `EX_IOERR` (74), mpop's `POP3_EDELIVERY` and `POP3_EIO`.
///
/// Cases that carry an `errno` print its `strerror` text after the colon.
public enum DeliveryError: ReportableError, Equatable {
    /// `cannot execute CMD`: the shell could not be started.
    case cannotExecute(command: String, errno: Int32)
    /// `CMD returned exit status N`, with `(EX_NAME: description)` for a
    /// sysexits code. `command` is the configured one, before `%F`/`%S`.
    case commandExited(command: String, status: Int32)
    /// `CMD failed to execute`: the command died from a signal.
    case commandFailed(command: String)
    /// `CMD did not read mail data`: a filter closed its input before the
    /// end and did not exit 0, 1 or 2.
    case commandDidNotRead(command: String)
    /// `cannot write mail: output error`: a delivery agent stopped reading
    /// its message (EPIPE), writing to a command failed otherwise, or a file
    /// write failed mid-message.
    case writeFailed(errno: Int32)
    /// `cannot change to DIR: REASON`: a maildir or Exchange pickup directory
    /// cannot be opened (mpop's words, from its `chdir`).
    case cannotChangeDirectory(path: String, errno: Int32)
    /// `cannot open FILE: REASON` (mbox).
    case cannotOpen(path: String, errno: Int32)
    /// `cannot lock FILE (tried for N seconds): REASON`: another process held
    /// the lock for the whole time.
    case lockTimedOut(path: String, seconds: Int, errno: Int32)
    /// `cannot lock FILE: REASON`: locking failed for another reason.
    case cannotLock(path: String, errno: Int32)
    /// `cannot create PATH: REASON` (a maildir or Exchange file).
    case cannotCreate(path: String, errno: Int32)
    /// `FILE: output error`: the end of an mbox message could not be written.
    case outputError(path: String, errno: Int32)
    /// `cannot sync PATH: REASON`
    case cannotSync(path: String, errno: Int32)
    /// `cannot close PATH: REASON`
    case cannotClose(path: String, errno: Int32)
    /// `DIR: cannot link tmp/NAME to new/NAME: REASON` (maildir).
    case cannotLink(directory: String, from: String, to: String, errno: Int32)

    /// The error for a failed wait for an mbox's lock: mpop's `cannot lock`
    /// messages, and `Interrupted system call` after a signal.
    static func locking(_ failure: FileLock.Failure, path: String, seconds: Int) -> DeliveryError {
        switch failure {
        case .timedOut(let code): .lockTimedOut(path: path, seconds: seconds, errno: code)
        case .failed(let code): .cannotLock(path: path, errno: code)
        case .interrupted: .cannotLock(path: path, errno: EINTR)
        }
    }

    public var explanation: String {
        switch self {
        case let .cannotExecute(command, _):
            return "cannot execute \(command)"
        case let .commandExited(command, status):
            if let name = ExitStatus(rawValue: status).sysexitsDescription {
                return "\(command) returned exit status \(status) (\(name))"
            }
            return "\(command) returned exit status \(status)"
        case let .commandFailed(command):
            return "\(command) failed to execute"
        case let .commandDidNotRead(command):
            return "\(command) did not read mail data"
        case .writeFailed:
            return "cannot write mail: output error"
        case let .cannotChangeDirectory(path, error):
            return "cannot change to \(path): \(Self.reason(error))"
        case let .cannotOpen(path, error):
            return "cannot open \(path): \(Self.reason(error))"
        case let .lockTimedOut(path, seconds, error):
            return "cannot lock \(path) (tried for \(seconds) seconds): \(Self.reason(error))"
        case let .cannotLock(path, error):
            return "cannot lock \(path): \(Self.reason(error))"
        case let .cannotCreate(path, error):
            return "cannot create \(path): \(Self.reason(error))"
        case let .outputError(path, _):
            return "\(path): output error"
        case let .cannotSync(path, error):
            return "cannot sync \(path): \(Self.reason(error))"
        case let .cannotClose(path, error):
            return "cannot close \(path): \(Self.reason(error))"
        case let .cannotLink(directory, from, to, error):
            return "\(directory): cannot link \(from) to \(to): \(Self.reason(error))"
        }
    }

    public var exitStatus: ExitStatus { .ioError }

    /// The `strerror` text, in the C locale's English as mpop prints it
    /// without translations.
    static func reason(_ error: Int32) -> String {
        String(cString: strerror(error))
    }

    /// The error for a delivery agent or filter that ended with `status`,
    /// given whether it stopped reading its input, or `nil` when `status` is
    /// one of `accepted`.
    ///
    /// Only a filter can get here having stopped reading (a delivery agent
    /// that does fails at the write, see ``CommandInput/ReaderGone``). Its
    /// exit in `accepted` counts however much of the header was unread, so
    /// the outcome does not depend on timing; mpop 1.4.18 fails with
    /// `cannot write mail: output error` whenever its write meets EPIPE.
    static func forCommand(_ command: String, status: ChildProcessStatus, stoppedReading: Bool,
                           accepted: ClosedRange<Int32>) -> DeliveryError? {
        if case let .exited(code) = status, accepted.contains(code) {
            return nil
        }
        if stoppedReading {
            return .commandDidNotRead(command: command)
        }
        switch status {
        case let .exited(code):
            return .commandExited(command: command, status: code)
        case .signaled:
            return .commandFailed(command: command)
        }
    }
}
