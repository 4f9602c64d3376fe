/// What the server said it can do, from CAPA replies (RFC 2449) and the
/// greeting.
///
/// Parsing follows mpop 1.4.18's `pop3_capa`: each line is uppercased and
/// matched by keyword *prefix*, and SASL mechanisms by *substring* of the
/// uppercased `SASL` line, so `SCRAM-SHA-1-PLUS` also sets `SCRAM-SHA-1`
/// and stray trailing bytes (a `\r` before the CRLF, as some servers send)
/// do not matter. Flags are cumulative: a later CAPA never clears one.
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
    /// `LOGIN-DELAY n`: the delay in seconds.
    public var loginDelay: Int?
    /// `EXPIRE n|NEVER`: days, or `nil` with ``expireNever``.
    public var expire: Int?
    public var expireNever = false
    /// `IMPLEMENTATION text`, as sent.
    public var implementation: String?
    /// The known SASL mechanisms found in `SASL` lines.
    public var saslMechanisms: Set<String> = []
    /// The greeting carried a valid APOP timestamp.
    public var apop = false

    public init() {}

    /// Whether `method` (uppercase: USER, APOP or a SASL name) is offered.
    public func offers(_ method: String) -> Bool {
        switch method {
        case "USER": return user
        case "APOP": return apop
        default: return saslMechanisms.contains(method)
        }
    }

    /// Takes in one capability line of a CAPA reply (without line ending).
    public mutating func absorb(line bytes: [UInt8]) {
        let original = String(decoding: bytes, as: UTF8.self)
        let upper = original.uppercased()
        capa = true
        func argument(after count: Int) -> Substring {
            Substring(String(decoding: upper.utf8.dropFirst(count), as: UTF8.self))
        }
        if upper.hasPrefix("TOP") {
            top = true
        } else if upper.hasPrefix("LOGIN-DELAY") {
            loginDelay = Self.leadingInteger(argument(after: 12))
        } else if upper.hasPrefix("PIPELINING") {
            pipelining = true
        } else if upper.hasPrefix("EXPIRE") {
            let value = argument(after: 7)
            if value.hasPrefix("NEVER") {
                expireNever = true
                expire = nil
            } else {
                expireNever = false
                expire = Self.leadingInteger(value)
            }
        } else if upper.hasPrefix("UIDL") {
            uidl = true
        } else if upper.hasPrefix("STLS") {
            stls = true
        } else if upper.hasPrefix("USER") {
            user = true
        } else if upper.hasPrefix("SASL ") {
            for mechanism in Self.knownSASLMechanisms where upper.contains(mechanism) {
                saslMechanisms.insert(mechanism)
            }
        } else if upper.hasPrefix("IMPLEMENTATION") {
            implementation = String(decoding: original.utf8.dropFirst(15), as: UTF8.self)
        } else if upper.hasPrefix("RESP-CODES") {
            respCodes = true
        } else if upper.hasPrefix("AUTH-RESP-CODE") {
            authRespCode = true
        }
    }

    /// `strtol`-like: optional blanks, an optional sign, digits; 0 if none.
    static func leadingInteger(_ text: Substring) -> Int {
        var bytes = text.utf8[...]
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            bytes = bytes.dropFirst()
        }
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return negative ? Int.min : Int.max }
            value = sum
        }
        return negative ? -value : value
    }
}
