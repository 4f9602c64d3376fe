/// What the server said it can do, from CAPA replies (RFC 2449) and the
/// greeting.
///
/// Parsing follows mpop 1.4.18's `pop3_capa`: each line's first word is
/// uppercased and matched by keyword *prefix*, and SASL mechanisms by
/// *substring* of the uppercased `SASL` line, so `SCRAM-SHA-1-PLUS` also
/// sets `SCRAM-SHA-1` and stray trailing bytes (a `\r` before the CRLF, as
/// some servers send) do not matter. Flags are cumulative: a later CAPA
/// never clears one; a later `LOGIN-DELAY`, `EXPIRE` or `IMPLEMENTATION`
/// replaces the value.
///
///     C: CAPA
///     S: +OK
///     S: TOP
///     S: SASL PLAIN SCRAM-SHA-256
///     S: .
public struct Capabilities: Sendable, Equatable {
    /// The SASL mechanisms mpop knows, in the order `--serverinfo` lists them
    /// (after USER, before APOP come the SASL ones; APOP is not SASL).
    public static let knownSASLMechanisms = [
        "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "EXTERNAL", "GSSAPI",
        "CRAM-MD5", "DIGEST-MD5", "LOGIN", "NTLM", "OAUTHBEARER", "XOAUTH2",
    ]

    /// The server answered CAPA with a capability list (not `-ERR`).
    public var capa = false
    public var top = false
    public var pipelining = false
    public var uidl = false
    public var stls = false
    /// USER is always assumed, as in mpop.
    public var user = true
    public var respCodes = false
    public var authRespCode = false
    /// `LOGIN-DELAY n`: the delay in seconds, never negative.
    public var loginDelay: Int?
    /// `EXPIRE n|NEVER`: days, never negative, or `nil` with ``expireNever``.
    public var expire: Int?
    public var expireNever = false
    /// `IMPLEMENTATION text`, as sent.
    public var implementation: String?
    /// The known SASL mechanisms found in `SASL` lines.
    public var saslMechanisms: Set<String> = []
    /// `SCRAM-SHA-1-PLUS` and `SCRAM-SHA-256-PLUS` when a `SASL` line names
    /// them as whole words (mpop 1.4.19 on, which matches tokens). Kept
    /// apart from ``saslMechanisms``, which keeps 1.4.18's substring rule
    /// (and so its `--serverinfo` list).
    public var channelBoundMechanisms: Set<String> = []
    /// The greeting carried a valid APOP timestamp.
    public var apop = false

    public init() {}

    /// Whether `method` (uppercase: USER, APOP or a SASL name) is offered.
    public func offers(_ method: String) -> Bool {
        switch method {
        case "USER": return user
        case "APOP": return apop
        case "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS": return channelBoundMechanisms.contains(method)
        default: return saslMechanisms.contains(method)
        }
    }

    /// Takes in one capability line of a CAPA reply (without line ending).
    ///
    /// As in mpop 1.4.18, the line's first word (up to the first blank) is
    /// uppercased, in ASCII, and the keyword matched as its prefix; what
    /// follows is read from right after the keyword, so `LOGIN-DELAY900`
    /// and `EXPIRENEVER` (GNU mailutils) count, and so does `EXPIRES 5`.
    /// - `LOGIN-DELAY`: ``leadingInteger(_:)`` of the rest; a negative
    ///   delay is 0.
    /// - `EXPIRE`: NEVER anywhere in the rest, in any case (`EXPIRE 30 USER`
    ///   is 30, `EXPIRE NEVER USER` never); otherwise the number, a negative
    ///   one 0 and a missing one 0, and one too big for 64 bits is never, as
    ///   mpop keeps NEVER as the largest `long`.
    /// - `IMPLEMENTATION`: the rest after its spaces.
    public mutating func absorb(line bytes: [UInt8]) {
        let wordEnd = bytes.firstIndex(where: Self.isCSpace) ?? bytes.endIndex
        let line = bytes[..<wordEnd].map(Self.asciiUppercased) + bytes[wordEnd...]
        func rest(after keyword: String) -> ArraySlice<UInt8> {
            line.dropFirst(keyword.utf8.count)
        }
        capa = true
        if line.starts(with: "TOP".utf8) {
            top = true
        } else if line.starts(with: "LOGIN-DELAY".utf8) {
            loginDelay = max(0, Self.leadingInteger(rest(after: "LOGIN-DELAY")))
        } else if line.starts(with: "PIPELINING".utf8) {
            pipelining = true
        } else if line.starts(with: "EXPIRE".utf8) {
            let argument = rest(after: "EXPIRE")
            let days = max(0, Self.leadingInteger(argument))
            if Self.contains(argument.map(Self.asciiUppercased), "NEVER") || days == Int.max {
                expireNever = true
                expire = nil
            } else {
                expireNever = false
                expire = days
            }
        } else if line.starts(with: "UIDL".utf8) {
            uidl = true
        } else if line.starts(with: "STLS".utf8) {
            stls = true
        } else if line.starts(with: "USER".utf8) {
            user = true
        } else if line.starts(with: "SASL ".utf8) {
            let upper = line.map(Self.asciiUppercased)
            for mechanism in Self.knownSASLMechanisms where Self.contains(upper, mechanism) {
                saslMechanisms.insert(mechanism)
            }
            let words = upper.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == 13 }
            for mechanism in ["SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS"]
            where words.contains(where: { $0.elementsEqual(mechanism.utf8) }) {
                channelBoundMechanisms.insert(mechanism)
            }
        } else if line.starts(with: "IMPLEMENTATION".utf8) {
            let text = rest(after: "IMPLEMENTATION").drop { $0 == UInt8(ascii: " ") }
            implementation = String(decoding: text, as: UTF8.self)
        } else if line.starts(with: "RESP-CODES".utf8) {
            respCodes = true
        } else if line.starts(with: "AUTH-RESP-CODE".utf8) {
            authRespCode = true
        }
    }

    /// `strtol` in base 10, as mpop's `atol`: leading white space (C
    /// `isspace`), an optional sign, then digits; 0 when there are none,
    /// and `Int.min` or `Int.max` when the number does not fit.
    static func leadingInteger<Bytes: Collection<UInt8>>(_ text: Bytes) -> Int {
        var bytes = text.drop(while: isCSpace)
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            let digit = Int(byte - UInt8(ascii: "0"))
            // Accumulated towards the sign, so that Int.min itself fits.
            let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? product.subtractingReportingOverflow(digit)
                                            : product.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return negative ? Int.min : Int.max }
            value = sum
        }
        return value
    }

    /// C's `isspace` in the C locale: blank, tab, LF, VT, FF, CR.
    private static func isCSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0d)
    }

    /// C's `toupper` in the C locale: ASCII letters only.
    private static func asciiUppercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 0x20 : byte
    }

    /// Whether `pattern` occurs in `bytes`, as `strstr`.
    private static func contains(_ bytes: [UInt8], _ pattern: String) -> Bool {
        let needle = Array(pattern.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
