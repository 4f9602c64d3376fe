/// JSON text for `--summary=json`, written by hand since the product does
/// not use Foundation.
enum JSONText {
    /// `text` as a JSON string literal, quotes included (RFC 8259 §7).
    ///
    /// The result is plain ASCII: besides `"` and `\`, every control
    /// character, DEL and every character beyond ASCII is written as
    /// `\uXXXX` (a surrogate pair above U+FFFF), so that a log line stays
    /// one printable line whatever a server or a configuration file put
    /// into an error message. Bytes that were not UTF-8 reached us as
    /// U+FFFD already, since every string we hold is Unicode.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                if scalar.value > 0xFFFF {
                    let offset = scalar.value - 0x10000
                    out += escaped(0xD800 + (offset >> 10))
                    out += escaped(0xDC00 + (offset & 0x3FF))
                } else {
                    out += escaped(scalar.value)
                }
            }
        }
        return out + "\""
    }

    /// `text` as a string literal, or `null`.
    static func string(_ text: String?) -> String {
        text.map { string($0) } ?? "null"
    }

    /// `number`, or `null`.
    static func number<Number: BinaryInteger>(_ number: Number?) -> String {
        number.map { String($0) } ?? "null"
    }

    /// `\uXXXX` with four lowercase hex digits.
    private static func escaped(_ unit: UInt32) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
