/// The first (or only) line of a server reply: `+OK`, `-ERR`, or in a SASL
/// exchange a `+ ` continuation or a `- ` failure (RFC 1939 §3, RFC 5034 §4).
///
/// Validity follows mpop 1.4.22 and later (`pop3_get_msg`): any line that
/// starts with `+` or `-` is a status, whatever follows, because some
/// servers answer with a bare `+` (pop3.seznam.cz). mpop 1.4.18 wanted
/// `+OK` or `-ERR` outside SASL exchanges. Whether a reply is positive is
/// decided by its first character alone.
public struct StatusLine: Sendable, Equatable {
    /// The line as received, without its line ending.
    public let line: String
    /// Whether the line starts with `+`.
    public let isPositive: Bool
    /// The text after the indicator and one space (`+OK text` → `text`;
    /// for `+ challenge` → `challenge`).
    public let text: String
    /// The RFC 2449 response code, when a negative reply carries one.
    public let responseCode: ResponseCode?

    /// Parses a reply line given without its line ending.
    /// - Throws: ``POP3Error/invalidReply(serverMessage:)`` unless the line
    ///   starts with `+` or `-`.
    public init(bytes: some Collection<UInt8>) throws(POP3Error) {
        let line = String(decoding: bytes, as: UTF8.self)
        // The first four bytes, 0 past the end (no status byte is 0).
        var first = bytes.makeIterator()
        let b0 = first.next() ?? 0, b1 = first.next() ?? 0, b2 = first.next() ?? 0, b3 = first.next() ?? 0
        guard b0 == UInt8(ascii: "+") || b0 == UInt8(ascii: "-") else {
            throw .invalidReply(serverMessage: line)
        }
        let ok = b0 == UInt8(ascii: "+") && b1 == UInt8(ascii: "O") && b2 == UInt8(ascii: "K")
        let err = b0 == UInt8(ascii: "-") && b1 == UInt8(ascii: "E") && b2 == UInt8(ascii: "R") && b3 == UInt8(ascii: "R")
        self.line = line
        isPositive = b0 == UInt8(ascii: "+")
        let skip = ok ? 3 : (err ? 4 : 1)
        var rest = line.utf8.dropFirst(skip)
        if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        text = String(Substring(rest))
        responseCode = isPositive ? nil : ResponseCode(text: Substring(rest))
    }

    /// Whether this is a SASL continuation (`+ ` rather than `+OK`).
    public var isContinuation: Bool {
        isPositive && !line.hasPrefix("+OK")
    }
}
