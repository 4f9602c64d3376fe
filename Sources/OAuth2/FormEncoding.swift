/// `application/x-www-form-urlencoded` and URL query encoding (RFC 3986's
/// unreserved characters stay, everything else is `%XX`, as OAuth 2.0's
/// Appendix B asks for).
public enum FormEncoding {
    /// `value` percent-encoded for a query or a form body.
    public static func escaped(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                result += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return result
    }

    /// `key=value&...`, both sides escaped.
    public static func encoded(_ pairs: [(String, String)]) -> String {
        pairs.map { escaped($0.0) + "=" + escaped($0.1) }.joined(separator: "&")
    }

    /// The pairs of a query string (`a=1&b=%20`); `+` is a blank, a
    /// malformed escape stays as it is.
    public static func decoded(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").map { part in
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (unescaped(halves[0]), halves.count > 1 ? unescaped(halves[1]) : "")
        }
    }

    static func unescaped(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), input.count >= 2,
                      let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
