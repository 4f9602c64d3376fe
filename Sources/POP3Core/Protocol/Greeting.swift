/// The server's greeting and the APOP timestamp in it (RFC 1939 §4, §7).
///
/// The timestamp is taken as mpop 1.4.18 takes it: from the first `<` to the
/// first `>` after it, accepted only if the text between is non-empty, uses
/// only `[A-Za-z0-9.@_+/-]` and contains `@`. This refuses the timestamps
/// that made CVE-2007-1558 possible, and also dovecot's (which contain `=`),
/// exactly as mpop does.
///
///     S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
public struct Greeting: Sendable, Equatable {
    /// The whole greeting line.
    public let status: StatusLine
    /// The text mpop prints in `--serverinfo`: the line after its first 4
    /// bytes (`+OK `), or empty.
    public let displayText: String
    /// The timestamp with its angle brackets, when valid.
    public let apopTimestamp: String?

    /// - Throws: ``POP3Error/noGreeting(reply:hint:)`` unless the line is `+OK…`.
    public init(line: [UInt8]) throws(POP3Error) {
        let status: StatusLine
        do {
            status = try StatusLine(bytes: line)
        } catch {
            throw .noGreeting(reply: nil, hint: nil)
        }
        guard status.isPositive else { throw .noGreeting(reply: status, hint: nil) }
        self.status = status
        displayText = line.count > 4 ? String(decoding: line.dropFirst(4), as: UTF8.self) : ""
        apopTimestamp = Self.timestamp(in: line)
    }

    static func timestamp(in line: [UInt8]) -> String? {
        guard let open = line.firstIndex(of: UInt8(ascii: "<")),
              let close = line[open...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let inner = line[(open + 1)..<close]
        guard !inner.isEmpty, inner.contains(UInt8(ascii: "@")),
              inner.allSatisfy(Self.isTimestampByte) else { return nil }
        return String(decoding: line[open...close], as: UTF8.self)
    }

    private static func isTimestampByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return ".@_+/-".utf8.contains(byte)
        }
    }
}
