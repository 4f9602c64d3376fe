/// Where a batch of appends to an mbox begins, written to the journal and
/// synced before the batch's first byte: the mbox was whole up to
/// ``offset`` (the previous batch was synced before its marker), and from
/// there on the run that wrote this held the mbox's lock until it died.
///
/// Why: a power loss in the middle of a batch may keep pages of the mbox
/// while taking the journal's unsynced lines that announced them
/// (``AppendIntent``); without those, nothing proves that the torn tail is
/// ours, and it stays, a partial message glued to what follows. This one
/// line, durable, is proof enough when nobody touched the mbox since the
/// machine came back (see ``MboxRepair/cutCrashedBatch(_:bootTime:lockTimeout:cancellation:)``).
public struct MboxBatch: Equatable, Sendable {
    /// Absolute path of the mbox.
    public var path: String
    /// The mbox's size when the batch began.
    public var offset: Int64
    /// The CRC-32 of the UIDLs file as it was on disk then. A later run
    /// trusts the line only while the file is unchanged: a save since then
    /// may list messages of the batch as seen, and their bytes must stay.
    public var uidlsChecksum: UInt32

    public init(path: String, offset: Int64, uidlsChecksum: UInt32) {
        self.path = path
        self.offset = offset
        self.uidlsChecksum = uidlsChecksum
    }
}
