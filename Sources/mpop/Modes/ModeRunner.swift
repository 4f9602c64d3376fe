#if canImport(Glibc)
import Glibc
#endif
import CSupport
import POP3Core

/// Runs the chosen mode on the checked accounts, in the order given, and
/// combines their outcomes as mpop does: the first failure's exit status,
/// or `EX_TEMPFAIL` when two or more accounts failed.
enum ModeRunner {
    static func run(mode: Invocation.Mode, accounts: [Account], invocation: Invocation,
                    environment: Environment) -> ExitStatus {
        switch mode {
        case .retrieval:
            return RetrievalMode(invocation: invocation, environment: environment).run(accounts)
        case .serverInfo:
            return ServerInfoMode(invocation: invocation, environment: environment).run(accounts)
        case .oauth2Authorize(let flow):
            return OAuthAuthorizeMode(invocation: invocation, environment: environment, flow: flow).run(accounts)
        case .configure, .mda:
            // MpopCommand handles --configure and --mda before accounts are read.
            preconditionFailure("\(mode) reached the account modes")
        }
    }

    /// mpop's rule for several accounts: the first failure's status, or 75
    /// when more than one account failed.
    static func combined(_ failures: [ExitStatus]) -> ExitStatus {
        switch failures.count {
        case 0: return .ok
        case 1: return failures[0]
        default: return .tempFail
        }
    }
}
