#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// File names for maildir and Exchange deliveries, unique per message as
/// <https://cr.yp.to/proto/maildir.html> describes, spelt as mpop spells them.
enum UniqueFileName {
    /// Per-process counters; mpop keeps one for each method, starting at 1.
    private static let maildirSequence = Atomic<UInt64>(0)
    private static let exchangeSequence = Atomic<UInt64>(0)

    /// `<sec>.M<usec>P<pid>Q<seq>.<host>`, e.g. `1795307061.M725964P14247Q1.vm`.
    static func maildir(host: String) -> String {
        let (seconds, microseconds) = now()
        let sequence = maildirSequence.add(1, ordering: .relaxed).newValue
        return "\(seconds).M\(sixDigits(microseconds))P\(getpid())Q\(sequence).\(host)"
    }

    /// `mpop-<sec>-M<usec>P<pid>Q<seq>-<host>.eml`, e.g.
    /// `mpop-1795307062-M089388P14291Q1-vm.eml`.
    static func exchange(host: String) -> String {
        let (seconds, microseconds) = now()
        let sequence = exchangeSequence.add(1, ordering: .relaxed).newValue
        return "mpop-\(seconds)-M\(sixDigits(microseconds))P\(getpid())Q\(sequence)-\(host).eml"
    }

    /// `gethostname()` (or `unknown`) with `/`, `:` and `\` replaced by
    /// `_057_`, `_072_` and `_134_`, which cannot appear in a maildir name.
    static func localHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0, buffer[0] != 0 else {
            return "unknown"
        }
        return escape(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                             as: UTF8.self))
    }

    static func escape(_ host: String) -> String {
        var escaped = ""
        for character in host {
            switch character {
            case "/": escaped += "_057_"
            case ":": escaped += "_072_"
            case "\\": escaped += "_134_"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func now() -> (seconds: Int, microseconds: Int) {
        var time = timeval()
        gettimeofday(&time, nil)
        return (time.tv_sec, Int(time.tv_usec))
    }

    private static func sixDigits(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
