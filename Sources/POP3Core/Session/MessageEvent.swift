/// Something that happened to one message in a retrieval, as the fetch log
/// records it (``RetrievalObserver/messageEvent(_:)``).
public struct MessageEvent: Sendable, Equatable {
    /// What happened.
    public enum Outcome: Sendable, Equatable {
        /// Committed to its delivery (the MDA accepted it, the file is in place).
        case delivered
        /// Left on the server unretrieved (`skipsize`, or the filter's "ignore").
        case skipped(SkipReason)
        /// Marked for deletion unretrieved (`killsize`, or the filter's "delete").
        case killed(SkipReason)
        /// The server accepted its DELE and then QUIT.
        case deleted
        /// Delivered or killed in this session, but left on the server by
        /// `keep` (on, or a duration not yet over).
        case kept
    }

    /// The message number in this session.
    public let number: Int
    /// The UID, `nil` without UIDL.
    public let uid: String?
    /// The LIST size.
    public let size: Int64
    public let outcome: Outcome

    public init(number: Int, uid: String?, size: Int64, outcome: Outcome) {
        self.number = number
        self.uid = uid
        self.size = size
        self.outcome = outcome
    }
}
