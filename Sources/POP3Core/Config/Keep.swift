/// The `keep` setting: never delete, delete once retrieved, or delete only
/// once a message has been on the server for a while (mpop 1.4.23's
/// `keep DURATION`).
///
/// mpop 1.4.23 stores all three as one number of seconds (0 is off,
/// `LLONG_MAX` is on); ``init(seconds:)`` maps a duration the same way,
/// so `keep 0s` is `off` and `keep 9223372036854775807s` is `on`, also for
/// `-P`.
public enum Keep: Sendable, Hashable {
    /// `keep off`: every message marked for deletion is deleted.
    case off
    /// `keep on`: nothing is deleted.
    case on
    /// `keep DURATION`: a message is deleted only once this many seconds
    /// have passed since it was first seen; always in `1..<Int64.max`.
    case duration(seconds: Int64)

    /// The setting mpop 1.4.23 means by a number of seconds.
    /// - Precondition: `seconds >= 0`.
    public init(seconds: Int64) {
        precondition(seconds >= 0, "a keep duration is never negative")
        switch seconds {
        case 0: self = .off
        case Int64.max: self = .on
        default: self = .duration(seconds: seconds)
        }
    }

    /// Whether anything is ever kept that would otherwise be deleted.
    public var isOff: Bool { self == .off }

    /// The duration, or `nil` for `on` and `off`.
    public var duration: Int64? {
        if case .duration(let seconds) = self { return seconds }
        return nil
    }

    /// Whether a message first seen at `firstSeen` may be deleted in a
    /// session that started at `now` (both UNIX times): mpop 1.4.23 keeps
    /// it while `now - firstSeen < keep`, so a first-seen time in the
    /// future keeps it too.
    public func allowsDeletion(firstSeen: Int64, now: Int64) -> Bool {
        switch self {
        case .off: return true
        case .on: return false
        case .duration(let seconds):
            let (age, overflow) = now.subtractingReportingOverflow(firstSeen)
            // Only a first-seen time far in the past or future overflows.
            if overflow { return firstSeen < 0 }
            return age >= seconds
        }
    }
}
