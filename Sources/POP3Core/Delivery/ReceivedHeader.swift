#if canImport(Glibc)
import Glibc
#endif

/// The `Received:` header mpop prepends to each delivered message
/// (mpop 1.4.18 `pop3_write_received_header`), as lines without endings:
///
///     Received: from pop.example.org (mail.example.org [192.0.2.1])
///     <TAB>by myhost.example.net (mpop-1.4.18) with POP3
///     <TAB>for <alice>; Sun, 22 Nov 2026 00:23:05 +0000
public enum ReceivedHeader {
    /// Builds the three lines.
    /// - Parameters:
    ///   - server: the configured host and what is known of its address.
    ///   - localCanonicalName: the local host's canonical name.
    ///   - localUser: the local user name, sanitised here.
    ///   - time: seconds since the epoch, printed in local time.
    public static func lines(server: ServerIdentity, localCanonicalName: String, localUser: String,
                             time: Int) -> [String] {
        [
            "Received: from \(server.hostWithDetails)",
            "\tby \(localCanonicalName) (mpop-1.4.18) with POP3",
            "\tfor <\(sanitizedUser(localUser))>; \(rfc2822Date(time))",
        ]
    }

    /// Whitespace becomes `-`, bytes outside `[A-Za-z0-9._-]` become `_`.
    public static func sanitizedUser(_ user: String) -> String {
        let mapped = user.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return byte
            case UInt8(ascii: " "), 9, 10, 11, 12, 13:
                return UInt8(ascii: "-")
            default:
                return UInt8(ascii: "_")
            }
        }
        return String(decoding: mapped, as: UTF8.self)
    }

    /// `Www, DD Mon YYYY HH:MM:SS ±HHMM` in local time, with English names
    /// whatever the locale (RFC 2822 §3.3).
    public static func rfc2822Date(_ time: Int) -> String {
        var t = time_t(time)
        var tm = Glibc.tm()
        localtime_r(&t, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offset = tm.tm_gmtoff / 60
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return "\(days[Int(tm.tm_wday)]), \(pad(Int(tm.tm_mday))) \(months[Int(tm.tm_mon)]) \(Int(tm.tm_year) + 1900) "
            + "\(pad(Int(tm.tm_hour))):\(pad(Int(tm.tm_min))):\(pad(Int(tm.tm_sec))) "
            + "\(sign)\(pad(magnitude / 60))\(pad(magnitude % 60))"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
