import POP3Core

/// What can go wrong on the client side of a SASL exchange.
///
/// The texts are mpop's (`pop3.c:pop3_auth`): a library failure reads
/// `GNU SASL: <gsasl_strerror text>` and ends with `EX_SOFTWARE`; a server
/// that rejects the exchange gives `authentication failed (method X)` and
/// `EX_NOPERM`. No case carries a credential.
public enum AuthError: ReportableError, Equatable, Sendable {
    /// The server rejected the exchange (a `-ERR` or `- ` reply). Exit 77.
    /// `serverMessage` is the reply line when mpop prints it (the final
    /// reply after DIGEST-MD5's extra empty line), `nil` otherwise.
    case authenticationFailed(mechanism: String, serverMessage: String?)
    /// GNU SASL reported an error: its `gsasl_strerror` text. Exit 70.
    case library(String)
    /// The library has no client for the mechanism. Exit 70.
    case unsupported(mechanism: String)

    public var explanation: String {
        switch self {
        case .authenticationFailed(let mechanism, _):
            return "authentication failed (method \(mechanism))"
        case .library(let text):
            return "GNU SASL: \(text)"
        case .unsupported(let mechanism):
            return "GNU SASL: authentication method \(mechanism) not supported"
        }
    }

    public var serverMessage: String? {
        if case .authenticationFailed(_, let message) = self { return message }
        return nil
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .authenticationFailed: return .noPermission
        case .library, .unsupported: return .software
        }
    }
}
