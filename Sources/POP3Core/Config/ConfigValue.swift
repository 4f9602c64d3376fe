#if canImport(Glibc)
import Glibc
#endif

/// The value syntaxes shared by configuration commands and command-line
/// options, with mpop 1.4.18's exact acceptance rules (`conf.c`).
public enum ConfigValue {
    /// The authentication methods `auth` and `--auth` accept, lowercase only.
    public static let authMethods: Set<String> = [
        "user", "apop", "plain", "cram-md5", "digest-md5", "scram-sha-1", "scram-sha-256",
        "gssapi", "external", "login", "ntlm", "oauthbearer", "xoauth2",
    ]

    /// `strtol(s, &end, 0)` with mpop's checks (`get_non_neg_int`): a whole
    /// number in `0...Int32.max`, decimal, `0x` hex or `0` octal, leading
    /// white space and a sign allowed; `nil` otherwise.
    public static func nonNegativeInt(_ text: String) -> Int? {
        text.withCString { start -> Int? in
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = strtol(start, &end, 0)
            guard let end, end != UnsafeMutablePointer(mutating: start), value >= 0,
                  !(value == Int.max && errno == ERANGE), value <= Int(Int32.max),
                  end.pointee == 0 else {
                return nil
            }
            return value
        }
    }

    /// A positive `nonNegativeInt`.
    public static func positiveInt(_ text: String) -> Int? {
        guard let value = nonNegativeInt(text), value >= 1 else { return nil }
        return value
    }

    /// A port number, 1...65535.
    public static func port(_ text: String) -> Int? {
        guard let value = nonNegativeInt(text), (1...65535).contains(value) else { return nil }
        return value
    }

    /// A size for `killsize` and `skipsize` (`get_size_arg`): a non-negative
    /// `strtoll` number, optionally followed by exactly `k` (KiB) or `m` (MiB).
    public static func size(_ text: String) -> Int64? {
        text.withCString { start -> Int64? in
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = strtoll(start, &end, 0)
            guard let end, end != UnsafeMutablePointer(mutating: start), value >= 0,
                  !(value == Int64.max && errno == ERANGE) else {
                return nil
            }
            let suffix = String(cString: end)
            switch suffix {
            case "": return value
            case "k": return value > (Int64.max >> 10) ? nil : value << 10
            case "m": return value > (Int64.max >> 20) ? nil : value << 20
            default: return nil
            }
        }
    }

    /// A `keep` duration in seconds, read as mpop 1.4.23's `get_keep_arg`
    /// reads it: one or more parts, each a `strtoul` number (leading white
    /// space and a sign allowed) followed by exactly `d`, `h`, `m` or `s`,
    /// summed in 64-bit arithmetic that wraps where the C code's does
    /// (`5s -1s` is 4 seconds). `nil` for anything else, for a sum that
    /// overflows or ends negative, and for a trailing blank (`1d `).
    /// An empty text is 0; callers decide what that means.
    public static func keepDuration(_ text: String) -> Int64? {
        text.withCString { start -> Int64? in
            var total: UInt64 = 0
            var cursor = start
            errno = 0
            while cursor.pointee != 0 {
                var end: UnsafeMutablePointer<CChar>?
                let value = UInt64(strtoul(cursor, &end, 10))
                guard let end, UnsafePointer(end) != cursor, !(value == UInt64.max && errno == ERANGE) else {
                    return nil
                }
                let unit: UInt64
                switch UInt8(bitPattern: end.pointee) {
                case UInt8(ascii: "d"): unit = 24 * 60 * 60
                case UInt8(ascii: "h"): unit = 60 * 60
                case UInt8(ascii: "m"): unit = 60
                case UInt8(ascii: "s"): unit = 1
                default: return nil
                }
                if unit > 1 && value > UInt64.max / unit { return nil }
                let part = value &* unit
                // The C code compares as unsigned: a negative total is
                // refused, a part that wraps below zero is not.
                if total > UInt64(Int64.max) &- part { return nil }
                total &+= part
                cursor = UnsafePointer(end + 1)
            }
            let seconds = Int64(bitPattern: total)
            return seconds >= 0 ? seconds : nil
        }
    }

    /// A certificate fingerprint: 32, 20 or 16 bytes as two hex digits each,
    /// separated by `:` or a space (`get_fingerprint`); the length of the
    /// text picks the digest.
    public static func fingerprint(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        let length: Int
        switch chars.count {
        case 2 * 32 + 31: length = 32
        case 2 * 20 + 19: length = 20
        case 2 * 16 + 15: length = 16
        default: return nil
        }
        var bytes: [UInt8] = []
        for i in 0..<length {
            guard let high = hexDigit(chars[3 * i]), let low = hexDigit(chars[3 * i + 1]) else {
                return nil
            }
            if i < length - 1 && chars[3 * i + 2] != UInt8(ascii: ":") && chars[3 * i + 2] != UInt8(ascii: " ") {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The stored form of an `auth` argument: `""` for empty or `on`, the
    /// uppercased method for a known lowercase method, `nil` otherwise.
    public static func authMethod(_ text: String) -> String? {
        if text.isEmpty || text == "on" { return "" }
        return authMethods.contains(text) ? text.uppercased() : nil
    }

    /// `on`/`off` as mpop reads them (`is_on`/`is_off`); `nil` for anything else.
    public static func onOff(_ text: String) -> Bool? {
        switch text {
        case "on": return true
        case "off": return false
        default: return nil
        }
    }

    /// mpop's `expand_tilde`: a leading `~` is replaced by the home
    /// directory; nothing else is (`~user` is not a user's home).
    public static func expandTilde(_ path: String, home: String) -> String {
        guard path.hasPrefix("~") else { return path }
        return home + path.dropFirst()
    }

    /// `%U` and `%H` replaced in a UIDLs file name (`string_replace`).
    public static func substituteUIDLsPath(_ path: String, user: String, host: String) -> String {
        path.replacingAll("%U", with: user).replacingAll("%H", with: host)
    }

    /// Upper-case hex bytes joined by `:`, as `-P` shows a fingerprint.
    public static func fingerprintText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return bytes.map { String(decoding: [digits[Int($0 >> 4)], digits[Int($0 & 15)]], as: UTF8.self) }
            .joined(separator: ":")
    }
}

extension String {
    /// Every occurrence of `target` replaced, scanning left to right.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(utf8), pattern = Array(target.utf8), substitute = Array(replacement.utf8)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var result: [UInt8] = []
        var i = 0
        while i < source.count {
            if i + pattern.count <= source.count && source[i..<(i + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: substitute)
                i += pattern.count
            } else {
                result.append(source[i])
                i += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
