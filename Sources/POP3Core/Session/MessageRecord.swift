/// One message of the mailbox during retrieval (mpop 1.4.18 `pop3.h`), as
/// ``MessageTable`` hands it out; its UID stays in the table's
/// ``MessageTable/uids`` (see ``MessageTable/uid(at:)``).
public struct MessageRecord: Sendable, Equatable {
    /// What the session will do with the message.
    public enum Action: UInt8, Sendable, Equatable {
        /// Retrieve it (and then delete it unless `keep`).
        case normal
        /// Leave it alone this time (skipsize, filter exit 2).
        case ignore
        /// Delete it without retrieving (old with only_new, killsize, filter exit 1, delivered).
        case delete
    }

    /// The message number, 1-based.
    public let number: Int
    /// The LIST size.
    public let size: Int64
    public var action: Action = .normal
    /// Whether its UID belongs in the UIDLs file (known, killed, filtered
    /// out, or delivered; cleared by a successful DELE).
    public var isOld = false
    /// When the message was first seen (UNIX time): the UIDLs file's time
    /// for a known UID, otherwise the session's start. `keep DURATION`
    /// lets it be deleted only once the duration has passed since then.
    public var firstSeen: Int64 = 0

    public init(number: Int, size: Int64) {
        self.number = number
        self.size = size
    }
}
