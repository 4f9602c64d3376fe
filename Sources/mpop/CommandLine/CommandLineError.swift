import POP3Core

/// A command-line problem; every one ends the program with `EX_USAGE` (64).
enum CommandLineError: ReportableError, Equatable {
    /// `invalid argument VALUE for --OPTION`
    case invalidArgument(value: String, option: String)
    /// glibc's getopt has already printed its own message (unknown or
    /// ambiguous option, missing or surplus argument).
    case reportedByGetopt
    /// `--host` together with account names or `-a`.
    case hostWithAccounts
    /// `-a` together with account names.
    case allAccountsWithAccounts

    var explanation: String {
        switch self {
        case .invalidArgument(let value, let option): return "invalid argument \(value) for \(option)"
        case .reportedByGetopt: return ""
        case .hostWithAccounts: return "cannot use both --host and accounts"
        case .allAccountsWithAccounts: return "cannot use both --all-accounts and a list of accounts"
        }
    }

    var exitStatus: ExitStatus { .usage }
}
