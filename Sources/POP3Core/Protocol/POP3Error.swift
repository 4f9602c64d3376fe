/// What can go wrong in a POP3 conversation, worded as mpop words it.
///
/// Exit statuses follow mpop's `pop3_exitcode` with two deliberate
/// improvements: a negative reply carrying `[IN-USE]`, `[LOGIN-DELAY]` or
/// `[SYS/TEMP]` exits 75 (`EX_TEMPFAIL`), and a failed `DELE` or `QUIT` exits
/// 76 rather than mpop's accidental 65.
public enum POP3Error: ReportableError, Equatable {
    /// The connection ended where a reply was due (mpop: `POP3 server sent an empty reply`).
    case emptyReply
    /// A reply that does not start with `+OK`/`-ERR`.
    case invalidReply(serverMessage: String?)
    /// A reply line longer than ``LineReader/maximumLineLength``.
    case lineTooLong(command: String?)
    /// A reply to `command` that breaks the command's grammar.
    case invalidReplyTo(command: String, serverMessage: String?)
    /// The server answered `command` with `-ERR`.
    case commandFailed(command: String, reply: StatusLine?)
    /// The greeting was missing or negative; `hint` adds a likely cause.
    case noGreeting(reply: StatusLine?, hint: String?)
    /// The server rejected the credentials (or the exchange) for `method`.
    case authenticationFailed(method: String, reply: StatusLine?)
    /// An explicitly configured method the server does not offer.
    case authMethodNotOffered(String)
    /// Automatic selection without TLS found no SCRAM mechanism.
    case noSecureAuthMethod
    /// Automatic selection with TLS found nothing usable.
    case noUsableAuthMethod
    /// The method needs a password and none could be obtained.
    case authNeedsPassword(String)
    /// The method needs a user name and `user` is unset.
    case authNeedsUser(String)
    /// A `-PLUS` mechanism without the TLS session's channel binding
    /// (no TLS, or the library cannot give the binding). mpop 1.4.23's text.
    case authNeedsChannelBinding(String)
    /// The SASL library cannot do the method.
    case saslMechanismUnsupported(String)
    /// `tls` is on with STARTTLS but the server does not offer STLS.
    case stlsNotOffered
    /// Filtering needs TOP and the server does not offer it.
    case topNotOffered
    /// STAT reported more messages than we handle.
    case tooManyMessages
    /// A signal asked us to stop; `betweenPhases` selects mpop's 75 over 70.
    case aborted(betweenPhases: Bool)

    public var explanation: String {
        switch self {
        case .emptyReply: return "POP3 server sent an empty reply"
        case .invalidReply: return "POP3 server sent an invalid reply"
        case .lineTooLong(let command?): return "invalid reply to command \(command)"
        case .lineTooLong(nil): return "POP3 server sent an invalid reply"
        case .invalidReplyTo(let command, _): return "invalid reply to command \(command)"
        case .commandFailed(let command, _): return "command \(command) failed"
        case .noGreeting(_, let hint?): return "cannot get initial OK message from POP3 server (\(hint))"
        case .noGreeting(_, nil): return "cannot get initial OK message from POP3 server"
        case .authenticationFailed(let method, _): return "authentication failed (method \(method))"
        case .authMethodNotOffered(let method):
            return "POP3 server does not support authentication method \(method)"
        case .noSecureAuthMethod: return "cannot use a secure authentication method"
        case .noUsableAuthMethod: return "cannot find a usable authentication method"
        case .authNeedsPassword(let method): return "authentication method \(method) needs a password"
        case .authNeedsUser(let method): return "authentication method \(method) needs a user name"
        case .authNeedsChannelBinding(let method):
            return "authentication method \(method) needs TLS channel binding information"
        case .saslMechanismUnsupported(let method):
            return "GNU SASL: authentication method \(method) not supported"
        case .stlsNotOffered: return "the POP3 server does not support TLS via the STLS command"
        case .topNotOffered: return "the POP3 server does not support the TOP command needed for filtering"
        case .tooManyMessages: return "Cannot handle more than 1000000 messages. Increase POP3_MAX_MESSAGES."
        case .aborted: return "operation aborted"
        }
    }

    public var serverMessage: String? {
        switch self {
        case .invalidReplyTo(_, let message): return message
        case .commandFailed(_, let reply), .noGreeting(let reply, _), .authenticationFailed(_, let reply):
            return reply?.line
        default: return nil
        }
    }

    /// The reply that caused the error, if it was a status line.
    public var reply: StatusLine? {
        switch self {
        case .commandFailed(_, let reply), .noGreeting(let reply, _), .authenticationFailed(_, let reply):
            return reply
        default: return nil
        }
    }

    public var exitStatus: ExitStatus {
        if reply?.responseCode?.isTemporary == true { return .tempFail }
        switch self {
        case .emptyReply, .invalidReply, .lineTooLong, .invalidReplyTo, .commandFailed, .noGreeting:
            return .protocolError
        case .authenticationFailed: return .noPermission
        case .authMethodNotOffered, .noSecureAuthMethod, .noUsableAuthMethod, .authNeedsPassword,
             .authNeedsUser, .authNeedsChannelBinding, .stlsNotOffered, .topNotOffered:
            return .unavailable
        case .saslMechanismUnsupported, .tooManyMessages: return .software
        case .aborted(let betweenPhases): return betweenPhases ? .tempFail : .software
        }
    }
}
