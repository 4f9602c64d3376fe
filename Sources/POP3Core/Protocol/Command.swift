/// A command line the client sends (RFC 1939, RFC 2449, RFC 2595, RFC 5034).
public enum Command: Sendable, Equatable {
    case capa
    case stls
    case user(String)
    case pass(Secret)
    /// `APOP name digest`; the digest is secret-equivalent for replay.
    case apop(user: String, digest: Secret)
    /// `AUTH mechanism [initial-response]`.
    case auth(mechanism: String, initialResponse: Secret?)
    /// One base64 line of a SASL exchange (possibly empty).
    case saslResponse(Secret)
    case stat
    case list
    case uidl
    /// `TOP n lines`
    case top(Int, lines: Int)
    case retr(Int)
    case dele(Int)
    case quit

    /// The line as sent, without CRLF. Contains secrets.
    public var wireText: String {
        switch self {
        case .capa: return "CAPA"
        case .stls: return "STLS"
        case .user(let name): return "USER \(name)"
        case .pass(let secret): return "PASS \(secret.exposedValue)"
        case .apop(let user, let digest): return "APOP \(user) \(digest.exposedValue)"
        case .auth(let mechanism, let initial?): return "AUTH \(mechanism) \(initial.exposedValue)"
        case .auth(let mechanism, nil): return "AUTH \(mechanism)"
        case .saslResponse(let payload): return payload.exposedValue
        case .stat: return "STAT"
        case .list: return "LIST"
        case .uidl: return "UIDL"
        case .top(let n, let lines): return "TOP \(n) \(lines)"
        case .retr(let n): return "RETR \(n)"
        case .dele(let n): return "DELE \(n)"
        case .quit: return "QUIT"
        }
    }

    /// The line for `--debug`, with passwords, digests and SASL payloads
    /// shown as `********`. mpop prints them verbatim; we do not, so that a
    /// debug log can be pasted into a bug report.
    public var debugText: String {
        switch self {
        case .pass: return "PASS ********"
        case .apop(let user, _): return "APOP \(user) ********"
        case .auth(let mechanism, _?): return "AUTH \(mechanism) ********"
        case .saslResponse(let payload): return payload.exposedValue.isEmpty ? "" : "********"
        default: return wireText
        }
    }

    /// The name used in error messages: `command NAME failed`.
    public var name: String {
        switch self {
        case .user: return "USER"
        case .pass: return "PASS"
        case .apop: return "APOP"
        case .auth(let mechanism, _): return "AUTH \(mechanism)"
        case .saslResponse: return "AUTH"
        default: return wireText
        }
    }

    /// The bytes to send: the line and CRLF.
    public var wireBytes: [UInt8] {
        Array(wireText.utf8) + [13, 10]
    }
}
