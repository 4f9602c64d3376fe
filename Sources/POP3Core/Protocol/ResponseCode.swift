/// An extended response code in square brackets at the start of a `-ERR`
/// text (RFC 2449 §8, RFC 3206).
///
///     S: -ERR [IN-USE] mailbox locked by another session
public enum ResponseCode: Sendable, Equatable {
    /// `[IN-USE]`: another session holds the mailbox.
    case inUse
    /// `[LOGIN-DELAY]`: the server wants more time between logins.
    case loginDelay
    /// `[SYS/TEMP]`: a temporary server-side failure.
    case systemTemporary
    /// `[SYS/PERM]`: a permanent server-side failure.
    case systemPermanent
    /// `[AUTH]`: the credentials were wrong.
    case authentication
    /// Any other code, as sent (uppercased).
    case other(String)

    /// Whether the code promises that retrying later may succeed, which we
    /// map to exit 75 (`EX_TEMPFAIL`); mpop ignores these codes.
    public var isTemporary: Bool {
        switch self {
        case .inUse, .loginDelay, .systemTemporary: return true
        default: return false
        }
    }

    /// Parses the code at the start of `text` (the reply text after the
    /// status indicator and one space), or returns `nil` if there is none.
    public init?(text: Substring) {
        guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
        let name = text[text.index(after: text.startIndex)..<close].uppercased()
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        switch name {
        case "IN-USE": self = .inUse
        case "LOGIN-DELAY": self = .loginDelay
        case "SYS/TEMP": self = .systemTemporary
        case "SYS/PERM": self = .systemPermanent
        case "AUTH": self = .authentication
        default: self = .other(name)
        }
    }
}
