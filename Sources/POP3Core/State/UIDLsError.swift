#if canImport(Glibc)
import Glibc
#endif

/// What can go wrong with a UIDLs file, with mpop 1.4.18's messages
/// (`uidls.c`): format problems exit 65, everything else 74.
public enum UIDLsError: ReportableError, Equatable {
    /// What is wrong with a line of the file.
    public enum FormatProblem: Equatable, Sendable {
        case uidWithoutList
        case invalidNumberOfUIDs
        case invalidHostName
        case invalidUserName
        case tooFewUIDs(user: String, host: String)
        case lineTooLong
        /// What follows the last blank of a UID line is not a first-seen
        /// time (mpop 1.4.23's `strtoll` check).
        case invalidTimestamp
    }

    /// `FILE, line N: <problem>`. Exit 65.
    case format(file: String, line: Int, FormatProblem)
    /// `FILE: <strerror>`: opening, creating, reading, syncing. Exit 74.
    case system(path: String, errno: Int32)
    /// `FILE: input error`. Exit 74.
    case inputError(file: String)
    /// `TEMPFILE: output error`, with the `errno` of the failed write
    /// (mpop does not show it). Exit 74.
    case outputError(file: String, errno: Int32)
    /// `cannot lock FILE (tried for N seconds): <strerror>`. Exit 74.
    case lockTimeout(file: String, seconds: Int, errno: Int32)
    /// `cannot lock FILE: <strerror>`. Exit 74.
    case lockFailed(file: String, errno: Int32)
    /// `cannot rename A to B: <strerror>`. Exit 74.
    case cannotRename(from: String, to: String, errno: Int32)
    /// `FILE: not a regular file`: something other than a plain file (a
    /// symbolic link where none may be, a FIFO, a directory, a device)
    /// where mpop keeps its state. Exit 74.
    case notRegularFile(path: String)
    /// `FILE: owned by another user`: a file of ours that someone else
    /// made. Exit 74.
    case foreignOwner(path: String)
    /// `operation aborted`: a signal arrived while waiting for the file.
    /// Exit 75, as a signal between the phases of a session.
    case aborted

    public var explanation: String {
        switch self {
        case .format(let file, let line, let problem):
            return "\(file), line \(line): \(Self.describe(problem))"
        case .system(let path, let code):
            return "\(path): \(Self.strerror(code))"
        case .inputError(let file):
            return "\(file): input error"
        case .outputError(let file, _):
            return "\(file): output error"
        case .lockTimeout(let file, let seconds, let code):
            return "cannot lock \(file) (tried for \(seconds) seconds): \(Self.strerror(code))"
        case .lockFailed(let file, let code):
            return "cannot lock \(file): \(Self.strerror(code))"
        case .cannotRename(let from, let to, let code):
            return "cannot rename \(from) to \(to): \(Self.strerror(code))"
        case .notRegularFile(let path):
            return "\(path): not a regular file"
        case .foreignOwner(let path):
            return "\(path): owned by another user"
        case .aborted:
            return "operation aborted"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .format: return .dataError
        case .aborted: return .tempFail
        default: return .ioError
        }
    }

    private static func describe(_ problem: FormatProblem) -> String {
        switch problem {
        case .uidWithoutList: return "UID without a list"
        case .invalidNumberOfUIDs: return "invalid number of UIDs"
        case .invalidHostName: return "invalid or missing host name"
        case .invalidUserName: return "invalid or missing user name"
        case .tooFewUIDs(let user, let host): return "too few UIDs for user \(user), host \(host)"
        case .lineTooLong: return "line longer than \(UIDLsParser.maximumLineLength) characters"
        case .invalidTimestamp: return "invalid timestamp"
        }
    }

    /// Whether the file system is out of space or the user out of quota.
    var isLackOfSpace: Bool {
        switch self {
        case .system(_, let code), .outputError(_, let code):
            return code == ENOSPC || code == EDQUOT
        default:
            return false
        }
    }

    static func strerror(_ code: Int32) -> String {
        guard let text = Glibc.strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
