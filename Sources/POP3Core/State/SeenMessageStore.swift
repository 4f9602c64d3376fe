#if canImport(Glibc)
import Glibc
#endif

/// The UIDs of messages already retrieved or otherwise marked old, per server
/// host and user: mpop's UIDLs file, with a journal that records each
/// delivery as soon as it is durable.
public protocol SeenMessageStore: AnyObject {
    /// The stored UIDs for `host` and `user` (the journal's included).
    func uids(host: String, user: String) -> Set<String>

    /// The same UIDs as they are stored, in the store's order; a store
    /// that keeps them otherwise may give an empty sequence. A UIDL
    /// listing that matches them shares their buffer.
    func storedUIDs(host: String, user: String) -> UIDSequence

    /// The same UIDs, for membership tests only (see ``SeenUIDs``).
    func seenUIDs(host: String, user: String) -> SeenUIDs

    /// Records that these messages were delivered, right after their
    /// commit: a journal append (a copy into a shared mapping, or a
    /// `pwrite`), which outlives this process at once
    /// (a SIGKILL right after it cannot make the messages look new), and a
    /// crash of the machine after ``makeRecordsDurable()``.
    /// - Throws: a ``ReportableError`` (74).
    func recordDelivered(_ uids: [String], host: String, user: String) throws

    /// Tells the store that the list of `host` and `user` will be replaced
    /// (``replace(host:user:with:firstSeen:)``) before any save, whatever
    /// happens: the UIDs recorded for it from now on need only go to the
    /// journal, not into the list in memory as well. The next replace of
    /// that list ends this.
    func deliveriesWillBeReplaced(host: String, user: String)

    /// Makes every record so far survive a crash of the machine (a marker
    /// and an fsync). Call it only once the recorded messages are durable
    /// themselves, and before deleting any of them on the server.
    /// - Throws: a ``ReportableError`` (74).
    func makeRecordsDurable() throws

    /// Waits until the records made durable so far are on disk (the
    /// marker's sync runs in the background meanwhile). Call it before the
    /// first DELE: a message is deleted on the server only once its
    /// record is on disk, so that after a power loss the server still
    /// holds every message whose record the next run does not count.
    /// - Throws: a ``ReportableError`` (74) when that sync failed.
    func waitUntilRecordsAreDurable() throws

    /// Takes back every record since the last ``makeRecordsDurable()``,
    /// pending ones included: their messages did not become durable (the
    /// sink's sync failed and removed them), so no later run may count
    /// them. Once it returns, the records are gone for good, even if this
    /// process is killed next.
    /// - Throws: a ``ReportableError`` (74) when they could not be taken
    ///   back; the caller must then not end the run as a success.
    func withdrawUnmarkedRecords() throws

    /// Replaces the list for `host` and `user` with `uids` (in memory), to be
    /// written by ``save()``. An empty list removes it.
    func replace(host: String, user: String, with uids: [String])

    /// ``replace(host:user:with:)`` with the time each UID was first seen
    /// (`firstSeen[i]` for `uids[i]`), kept where the store keeps times.
    func replace(host: String, user: String, with uids: [String], firstSeen: [Int64])

    /// ``replace(host:user:with:firstSeen:)`` with the UIDs in one buffer
    /// (a retrieval hands over the server's list, all of it when every
    /// message is old); a store may keep the buffer as it is. `firstSeen`
    /// may be `nil` when ``keepsFirstSeenTimes`` is false: the store
    /// would not keep the times.
    func replace(host: String, user: String, with uids: UIDSequence, firstSeen: [Int64]?)

    /// Whether the store keeps first-seen times (then
    /// ``replace(host:user:with:firstSeen:)`` needs them).
    var keepsFirstSeenTimes: Bool { get }

    /// When this session started (UNIX time): the first-seen time of every
    /// UID seen for the first time, and of a UID the store has without
    /// one; `keep DURATION` measures a message's age against it.
    var sessionStart: Int64 { get }

    /// The first-seen times the store has for the list of `host` and
    /// `user` (mpop 1.4.23's format, and the journal's records); a UID
    /// missing here counts as first seen at ``sessionStart``.
    func firstSeenTimes(host: String, user: String) -> [[UInt8]: Int64]

    /// Makes the store keep first-seen times from now on: its file is
    /// saved in mpop 1.4.23's format and each delivery's record carries its
    /// time. Call it, for an account with `keep DURATION`, before
    /// recording anything.
    func keepFirstSeenTimes()

    /// Writes the file atomically (temporary file, fsync, rename, fsync of
    /// the directory) in the format it had, 1.4.18's for a new one unless
    /// ``keepFirstSeenTimes()`` asked for 1.4.23's, and empties the journal.
    /// - Throws: a ``ReportableError`` (74).
    func save() throws

    /// Releases the lock without writing.
    func close()

    /// Notes, before its commit, that the message with `uid` is about to be
    /// delivered with `proof`: should the process die before
    /// ``recordDelivered(_:host:user:)``, the next run counts the message as
    /// delivered exactly when the proof holds. No fsync is needed: a note
    /// lost with the power means at worst a message fetched twice, and a
    /// note whose file did not survive proves nothing, so none is lost.
    /// - Throws: a ``ReportableError`` (74).
    func recordPending(_ uid: String, proof: DeliveryProof, host: String, user: String) throws

    /// Notes, before the bytes go out, what an mbox writer is about to
    /// append for the message with `uid` (see ``AppendIntent``). Like a
    /// pending note it needs no fsync.
    /// - Throws: a ``ReportableError`` (74).
    func recordAppend(_ uid: String, intent: AppendIntent, host: String, user: String) throws

    /// Appends that an earlier run announced and never completed (it was
    /// killed in the middle of a message), each message's in order: the
    /// mbox may end in a torn message (see ``MboxRepair``).
    var interruptedAppends: [[AppendIntent]] { get }

    /// The records of an earlier run that a crash of the machine stopped
    /// before they were durable, in order: they do not count, so their
    /// messages are fetched again, and what their deliveries left on disk
    /// (a maildir file, the tail of an mbox, whole or torn) must go first
    /// (see ``CrashLeftovers``).
    var droppedRecords: [UIDLsJournalRecord] { get }
}

extension SeenMessageStore {
    public func seenUIDs(host: String, user: String) -> SeenUIDs {
        SeenUIDs(uids(host: host, user: user))
    }

    public func waitUntilRecordsAreDurable() throws {}
    public func storedUIDs(host: String, user: String) -> UIDSequence { UIDSequence() }
    public func deliveriesWillBeReplaced(host: String, user: String) {}
    public func replace(host: String, user: String, with uids: UIDSequence, firstSeen: [Int64]?) {
        if let firstSeen {
            replace(host: host, user: user, with: uids.strings, firstSeen: firstSeen)
        } else {
            replace(host: host, user: user, with: uids.strings)
        }
    }
    public var keepsFirstSeenTimes: Bool { true }
    public func replace(host: String, user: String, with uids: [String], firstSeen: [Int64]) {
        replace(host: host, user: user, with: uids)
    }
    public var sessionStart: Int64 { Int64(time(nil)) }
    public func firstSeenTimes(host: String, user: String) -> [[UInt8]: Int64] { [:] }
    public func keepFirstSeenTimes() {}
    public func recordPending(_ uid: String, proof: DeliveryProof, host: String, user: String) throws {}
    public func recordAppend(_ uid: String, intent: AppendIntent, host: String, user: String) throws {}
    public var interruptedAppends: [[AppendIntent]] { [] }
    public var droppedRecords: [UIDLsJournalRecord] { [] }
}
