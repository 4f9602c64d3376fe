/// What can go wrong between reading the configuration and having a checked
/// list of accounts, with mpop 1.4.18's texts and exit statuses.
public enum ConfigError: ReportableError, Equatable {
    /// The file cannot be opened: `FILE: <strerror>` (74).
    case cannotOpen(file: String, reason: String)
    /// A read error, for example on a directory: `FILE: input error` (74).
    case inputError(file: String)
    /// `eval CMD` produced no output: `FILE: cannot read output of 'CMD'` (74).
    case evalProducedNothing(file: String, command: String)
    /// `eval CMD` could not be started: `FILE: cannot evaluate 'CMD': REASON` (74).
    case cannotEvaluate(file: String, command: String, reason: String)
    /// A syntax error on a line: `FILE: line N: MESSAGE` (78).
    case syntax(file: String, line: Int, message: String)
    /// `FILE: line longer than 500 characters` (78).
    case lineTooLong(file: String)
    /// The file holds a password but is not owned by the user (78).
    case notOwned(file: String)
    /// The file holds a password but others may read it, or it is executable (78).
    case tooPermissive(file: String)
    /// `stat` failed during the permission check: `FILE: <strerror>` (74).
    case cannotStat(file: String, reason: String)
    /// `FILE: no account NAME` (78).
    case noSuchAccount(file: String, name: String)
    /// `-a` on a file without accounts: `FILE: no accounts defined` (78).
    case noAccounts(file: String)
    /// A failed consistency check (`conf.c:check_account`):
    /// `account NAME from FILE: MESSAGE`, or `MESSAGE` in `--host` mode (78).
    case inconsistentAccount(name: String?, file: String?, message: String)
    /// `passwordeval CMD` produced no output: `cannot read output of 'CMD'` (78).
    case passwordEvalFailed(command: String)
    /// `passwordeval CMD` could not be started: `cannot evaluate 'CMD': REASON` (78).
    case passwordEvalCannotStart(command: String, reason: String)
    /// `cannot create directories for FILE: REASON` (74).
    case cannotCreateDirectories(path: String, reason: String)

    public var explanation: String {
        switch self {
        case .cannotOpen(let file, let reason), .cannotStat(let file, let reason):
            return "\(file): \(reason)"
        case .inputError(let file):
            return "\(file): input error"
        case .evalProducedNothing(let file, let command):
            return "\(file): cannot read output of '\(command)'"
        case .cannotEvaluate(let file, let command, let reason):
            return "\(file): cannot evaluate '\(command)': \(reason)"
        case .syntax(let file, let line, let message):
            return "\(file): line \(line): \(message)"
        case .lineTooLong(let file):
            return "\(file): line longer than 500 characters"
        case .notOwned(let file):
            return "\(file): contains secrets and therefore must be owned by you"
        case .tooPermissive(let file):
            return "\(file): contains secrets and therefore must have no more than user read/write permissions"
        case .noSuchAccount(let file, let name):
            return "\(file): no account \(name)"
        case .noAccounts(let file):
            return "\(file): no accounts defined"
        case .inconsistentAccount(let name, let file, let message):
            if let name, let file {
                return "account \(name) from \(file): \(message)"
            }
            return message
        case .passwordEvalFailed(let command):
            return "cannot read output of '\(command)'"
        case .passwordEvalCannotStart(let command, let reason):
            return "cannot evaluate '\(command)': \(reason)"
        case .cannotCreateDirectories(let path, let reason):
            return "cannot create directories for \(path): \(reason)"
        }
    }

    /// The line mpop prints, without `mpop: `: as ``explanation``, except
    /// that, as in mpop, only the error text proper has its control
    /// characters replaced; file and account names are printed as they are.
    public var diagnostic: String {
        let clean = Sanitizer.sanitized
        switch self {
        case .cannotOpen(let file, let reason), .cannotStat(let file, let reason):
            return "\(file): \(clean(reason))"
        case .inputError(let file), .lineTooLong(let file), .notOwned(let file), .tooPermissive(let file):
            return "\(file): " + clean(String(explanation.dropFirst(file.utf8.count + 2)))
        case .evalProducedNothing(let file, let command):
            return "\(file): \(clean("cannot read output of '\(command)'"))"
        case .cannotEvaluate(let file, let command, let reason):
            return "\(file): \(clean("cannot evaluate '\(command)': \(reason)"))"
        case .syntax(let file, let line, let message):
            return "\(file): \(clean("line \(line): \(message)"))"
        case .noSuchAccount, .noAccounts, .cannotCreateDirectories:
            return explanation
        case .inconsistentAccount(let name, let file, let message):
            if let name, let file {
                return "account \(name) from \(file): \(clean(message))"
            }
            return clean(message)
        case .passwordEvalFailed, .passwordEvalCannotStart:
            return clean(explanation)
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .cannotOpen, .inputError, .evalProducedNothing, .cannotEvaluate, .cannotStat,
             .cannotCreateDirectories:
            return .ioError
        case .syntax, .lineTooLong, .notOwned, .tooPermissive, .noSuchAccount, .noAccounts,
             .inconsistentAccount, .passwordEvalFailed, .passwordEvalCannotStart:
            return .config
        }
    }
}
