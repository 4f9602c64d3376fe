/// Where one account's retrieved messages go: an MDA, a maildir, an mbox or
/// an Exchange pickup directory.
///
/// The engine streams each message through a ``MessageWriter``: dot-unstuffed,
/// with the server's line endings removed (the sink writes its own: LF, or
/// CRLF for Exchange). Committed messages become durable in batches: the engine
/// calls ``syncCommitted()`` before it records their UIDs or deletes them on
/// the server, so one fsync stall can cover many messages.
public protocol MessageSink: AnyObject {
    /// Whether ``begin(envelopeFrom:receivedHeader:)`` needs the envelope
    /// sender (mbox always; an MDA or filter only when its command has `%F`).
    var needsEnvelopeFrom: Bool { get }

    /// Starts one message.
    /// - Parameters:
    ///   - envelopeFrom: the sanitised envelope sender, when ``needsEnvelopeFrom``.
    ///   - receivedHeader: the lines of the Received header, without line
    ///     endings, or `nil` with `received_header off`.
    /// - Throws: a ``ReportableError`` (delivery errors exit 74).
    func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter

    /// Makes every committed message durable (fsync of files and directories).
    /// - Throws: a ``ReportableError``; no committed message may be counted as
    ///   delivered after a failure here.
    func syncCommitted() throws

    /// Ends the session's deliveries (unlocks and closes an mbox).
    func close() throws
}

/// One message being delivered.
public protocol MessageWriter: AnyObject {
    /// Appends a piece of one line of the message, without its line ending.
    /// A long line arrives in several pieces; `endsLine` is true on its last one.
    /// The first piece of a line holds the line's first 4,000 bytes at least
    /// (or all of it), enough for MBOXRD's `>*From ` check.
    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws

    /// The whole message has arrived: complete it (an MDA must exit 0, a
    /// maildir file moves to `new/`). Durability may wait for
    /// ``MessageSink/syncCommitted()``.
    func commit() throws

    /// Removes every trace of the unfinished message: an mbox is truncated
    /// back to its size before it, a maildir's tmp file is removed.
    func abort()

    /// Completes the message's bytes (not yet visible to readers) and names
    /// the file ``commit()`` will create, or `nil` when the sink cannot offer
    /// such evidence (an MDA, a FIFO or device as the mbox). An mbox writer
    /// writes the end of the message here and proves it by offset and
    /// checksum. Called at most once, right before ``commit()``.
    func prepareCommit() throws -> DeliveryProof?

    /// Asks the writer to announce each write with `record` before it
    /// happens (see ``AppendIntent``); only an mbox writer does.
    func journalAppends(_ record: @escaping (AppendIntent) throws -> Void)
}

extension MessageWriter {
    public func prepareCommit() throws -> DeliveryProof? { nil }
    public func journalAppends(_ record: @escaping (AppendIntent) throws -> Void) {}
}
