import POP3Core

/// The texts of retrieval mode's status and size/filter lines (§4.1, §4.2).
enum StatusText {
    /// `USER at HOST:` and the counts line, each ending in a newline.
    static func status(user: String, host: String, newCount: Int, newSize: Int64,
                       totalCount: Int, totalSize: Int64) -> String {
        var text = "\(user) at \(host):\n"
        if totalCount == 0 {
            return text + "no messages\n"
        }
        text += "new: " + count(newCount, none: "no messages")
        if newCount > 0 && newSize > 0 { text += " in " + HumanSize.format(newSize) }
        text += ", total: " + count(totalCount, none: "no messages")
        if totalSize > 0 { text += " in " + HumanSize.format(totalSize) }
        return text + "\n"
    }

    private static func count(_ n: Int, none: String) -> String {
        switch n {
        case 0: return none
        case 1: return "1 message"
        default: return "\(n) messages"
        }
    }

    /// `deleting message I of N (reason: killsize)` and its variants.
    static func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) -> String {
        let why: String
        switch reason {
        case .skipsize: why = "skipsize"
        case .killsize, .filter: why = keep && !deleted ? "\(reason.rawValue) + keep" : reason.rawValue
        }
        let verb = deleted ? "deleting" : "skipping"
        return "\(verb) message \(number) of \(count) (reason: \(why))\n"
    }
}
