/// Why a message is deleted or skipped before retrieval (§4.2).
public enum SkipReason: String, Sendable {
    case killsize
    case skipsize
    case filter
}

/// Receives what retrieval mode prints; the `mpop` target formats it.
/// Each method corresponds to one of mpop's outputs; quiet modes simply
/// ignore some of them.
public protocol RetrievalObserver: AnyObject {
    /// The status after UIDL (§4.1): `USER at HOST:` and the counts.
    /// `newSize` is the sum of the LIST sizes of new messages (the STAT size
    /// without UIDL); `totalSize` is the STAT size.
    func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64)
    /// A message is deleted (`deleted == true`) or skipped before retrieval.
    /// `keep` selects the `+ keep` wording for killsize and filter.
    func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool)
    /// Retrieval of a message starts; `size` is its LIST size.
    func retrievalStarted(number: Int, of count: Int, size: Int64)
    /// The integer percentage rose; values are 0…99 and increasing.
    func retrievalProgress(percent: Int)
    /// The message arrived completely (mpop prints `100`).
    func retrievalFinished()
    /// The transfer of the current message failed.
    func retrievalAborted()
    /// The current message was committed to its delivery (the MDA accepted
    /// it, the file is in place); `size` is its LIST size. Called after
    /// ``retrievalFinished()``, only when the commit succeeded.
    func messageDelivered(number: Int, size: Int64)
    /// The server accepted `count` DELE commands and then QUIT, so those
    /// messages are gone. Not called with `keep`, nor when DELE or QUIT fails.
    func messagesDeleted(count: Int)
    /// Something the user must hear of that does not fail the run (a torn
    /// message an earlier run left in an mbox and that could not be cut);
    /// printed as `mpop: TEXT` on stderr, also in quiet modes.
    func warning(_ text: String)
    /// One message's event for the fetch log: delivered, skipped or killed
    /// as it happens, then deleted or kept once the server answered QUIT
    /// (nothing more when the session fails before that).
    func messageEvent(_ event: MessageEvent)
}

/// Observers that only print mpop's output need no counts.
extension RetrievalObserver {
    public func messageDelivered(number: Int, size: Int64) {}
    public func messagesDeleted(count: Int) {}
    public func warning(_ text: String) {}
    public func messageEvent(_ event: MessageEvent) {}
}
