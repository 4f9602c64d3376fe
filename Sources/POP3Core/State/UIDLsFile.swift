import CSupport
#if canImport(Glibc)
import Glibc
#endif

/// mpop's UIDLs file (§2 of the reference): the UIDs already retrieved,
/// one list per server host and user, locked for the whole session, with
/// a journal (``UIDLsJournal``) that makes each delivery durable at once.
///
/// Lifecycle: ``open(path:)`` locks and reads the file (a file that does
/// not exist counts as empty and is created) and folds in a journal left
/// by an earlier run; ``recordDelivered(_:host:user:)`` appends to the
/// journal; ``replace(host:user:with:)`` changes the lists in memory;
/// ``save()`` writes the file atomically, removes the journal and releases
/// the lock; ``close()`` releases it without writing.
///
/// The format a save writes is the one the file has: mpop 1.4.23's
/// (`UID FIRST-SEEN`) when any UID line, or any record of the journal
/// folded in, has a time; 1.4.18's otherwise, unless
/// ``keepFirstSeenTimes()`` (an account with `keep DURATION`) asks for
/// 1.4.23's. So a file that Debian's 1.4.18 reads stays one it reads
/// correctly until a keep duration needs the times.
/// Using the store after ``save()`` or ``close()`` is a programming error.
public final class UIDLsFile: SeenMessageStore {
    /// mpop's lock timeout (`UIDLS_LOCK_TIMEOUT`).
    public static let defaultLockTimeout = 10

    public let path: String
    /// The lists in file order, with every delivery recorded so far merged
    /// in; a list for a host and user not seen before goes to the front, as
    /// mpop inserts it.
    public func currentLists() -> [UIDList] {
        mergeDelivered()
        return storedLists
    }
    private var storedLists: [UIDList]
    /// UIDs recorded by ``recordDelivered(_:host:user:)`` and already in
    /// the journal, not yet merged into their lists: merging costs a set
    /// lookup per UID, and a retrieval replaces the list at the end anyway,
    /// so it waits until something reads the lists.
    private var delivered: [Deliveries] = []
    /// The UIDs recorded since the last ``makeRecordsDurable()`` (also in
    /// `delivered` or already merged): their messages may still turn out
    /// not to be durable, and then ``withdrawUnmarkedRecords()`` takes them
    /// back.
    private var unmarkedDelivered: [Deliveries] = []
    /// The lists whose deliveries stay out of `delivered`, see
    /// ``deliveriesWillBeReplaced(host:user:)``.
    private var listsToBeReplaced: Set<ListKey> = []

    /// UIDs recorded in a row for one list with one first-seen time (or
    /// none), in one buffer: a run that delivers 100,000 messages keeps
    /// their UIDs at the cost of their bytes.
    private struct Deliveries {
        let key: ListKey
        let firstSeen: Int64?
        var uids = UIDSequence()

        /// Adds `uids` to the last group of `groups`, or to a new one when
        /// that is for another list or time.
        static func add(_ uids: [String], key: ListKey, firstSeen: Int64?, to groups: inout [Deliveries]) {
            if groups.last.map({ $0.key != key || $0.firstSeen != firstSeen }) ?? true {
                groups.append(Deliveries(key: key, firstSeen: firstSeen))
            }
            for uid in uids {
                groups[groups.count - 1].uids.append(uid)
            }
        }
    }
    private var fd: Int32
    private let journal: UIDLsJournal
    private var isOpen = true
    /// Whether this run created the file (and has not saved it yet).
    private var createdFile = false
    /// The UIDs of each list as a set, built on the first ``add(_:host:user:)``
    /// to a list and kept up to date, so that recording one delivery at a
    /// time costs O(1) instead of rebuilding a set of the whole list.
    private var knownUIDs: [ListKey: Set<[UInt8]>] = [:]
    /// What was derived from the lists as they are; ``listsChanged()``
    /// forgets all of it at once.
    private var derived = Derived()

    private struct Derived {
        /// How the file on disk relates to the lists: as read and not yet
        /// compared, known to hold exactly what ``save()`` would write, or
        /// not (changed lists, another format).
        enum OnDisk {
            case asRead
            case holdsLists
            case differs
        }
        var onDisk = OnDisk.differs
        /// The lookup table of one list.
        var seen: (key: ListKey, table: SeenUIDs)?
    }

    private struct ListKey: Hashable {
        let host: String
        let user: String
    }

    /// The delivery agents' outcome files that the journal named when it
    /// was read: removed once a save has their records in the file.
    private var replayedOutcomeFiles: [String] = []

    /// Appends to an mbox that an earlier run announced in the journal and
    /// never completed; see ``SeenMessageStore/interruptedAppends``.
    public private(set) var interruptedAppends: [[AppendIntent]] = []

    /// See ``SeenMessageStore/droppedRecords``. A batch line
    /// (``MboxBatch``) is left out when the UIDLs file changed since it
    /// was written.
    public private(set) var droppedRecords: [UIDLsJournalRecord] = []

    /// The mboxes whose batch of appends began since the last marker.
    private var openBatches: Set<String> = []
    /// The CRC-32 of the file on disk, once a batch line needed it.
    private var onDiskChecksum: UInt32?

    /// See ``SeenMessageStore/sessionStart``: the time the file was read.
    public var sessionStart = Int64(time(nil))
    /// Whether saves write mpop 1.4.23's format, and delivered records
    /// carry their first-seen time.
    public private(set) var keepsFirstSeenTimes = false

    private init(path: String, fd: Int32, lists: [UIDList], journal: UIDLsJournal) {
        self.path = path
        self.fd = fd
        storedLists = lists
        self.journal = journal
        derived.onDisk = .asRead
    }

    deinit {
        close()
    }

    /// Parses the file read into `bytes` and folds in the journal.
    /// - Throws: ``UIDLsError``: `.format` (65); `.system` (74).
    static func load(path: String, fd: Int32, bytes: [UInt8], created: Bool) throws(UIDLsError) -> UIDLsFile {
        let lists: [UIDList]
        do {
            lists = try UIDLsParser.parse(bytes, fileName: path)
        } catch {
            Glibc.close(fd)
            throw error
        }
        let journal = UIDLsJournal(uidlsPath: path)
        let store = UIDLsFile(path: path, fd: fd, lists: lists, journal: journal)
        store.createdFile = created
        // A journal left by a run that never saved.
        let records = try journal.readRecords()
        store.interruptedAppends = UIDLsJournalReplay.interruptedAppends(in: records)
        let dropped = journal.droppedRecords
        let checksum = dropped.contains { $0.batch != nil } ? UIDLsJournalRecord.crc32(bytes) : 0
        store.droppedRecords = dropped.filter { $0.batch.map { $0.uidlsChecksum == checksum } ?? true }
        store.replayedOutcomeFiles = records.compactMap { $0.proof?.supervisor == nil ? nil : $0.proof?.path }
        for group in UIDLsJournalReplay.deliveredUIDs(in: records) {
            store.add(group.uids, host: group.host, user: group.user, firstSeen: group.firstSeen)
        }
        // Times from the journal count too: a run that upgraded the file
        // to keep them was killed before its save.
        store.keepsFirstSeenTimes = store.storedLists.contains { !$0.firstSeen.isEmpty }
        return store
    }

    public func uids(host: String, user: String) -> Set<String> {
        mergeDelivered()
        guard let index = index(host: host, user: user) else { return [] }
        var set = Set<String>(minimumCapacity: storedLists[index].uids.count)
        for uid in storedLists[index].uids {
            set.insert(String(decoding: uid, as: UTF8.self))
        }
        return set
    }

    public func storedUIDs(host: String, user: String) -> UIDSequence {
        mergeDelivered()
        return index(host: host, user: user).map { storedLists[$0].uids } ?? UIDSequence()
    }

    public func seenUIDs(host: String, user: String) -> SeenUIDs {
        mergeDelivered()
        let key = ListKey(host: host, user: user)
        if let seen = derived.seen, seen.key == key { return seen.table }
        let table = index(host: host, user: user).map { SeenUIDs(storedLists[$0].uids) } ?? SeenUIDs(UIDSequence())
        derived.seen = (key, table)
        return table
    }

    /// Does ahead of time what a session on the list of `host` and `user`
    /// will ask for: its lookup table, and whether a save that changes
    /// nothing can leave the file as it is. Meant for the wait for the
    /// server's greeting.
    public func prepare(host: String, user: String) {
        _ = seenUIDs(host: host, user: user)
        _ = fileHoldsLists()
    }

    /// Whether the file already holds exactly what ``save()`` would write:
    /// the lists are as read, and were read in the format a save writes.
    private func fileHoldsLists() -> Bool {
        switch derived.onDisk {
        case .asRead:
            derived.onDisk = fileMatchesSerializedLists() ? .holdsLists : .differs
            return fileHoldsLists()
        case .holdsLists:
            return true
        case .differs:
            return false
        }
    }

    /// Whether the locked file holds exactly the text ``serializedLists()``
    /// would give.
    private func fileMatchesSerializedLists() -> Bool {
        UIDLsSerializer.file(fd, holds: storedLists, firstSeenDefault: keepsFirstSeenTimes ? sessionStart : nil)
    }

    /// The file's text for the lists, in the format a save writes.
    private func serializedLists() -> [UInt8] {
        UIDLsSerializer.serialize(storedLists, firstSeenDefault: keepsFirstSeenTimes ? sessionStart : nil)
    }

    public func firstSeenTimes(host: String, user: String) -> [[UInt8]: Int64] {
        mergeDelivered()
        return index(host: host, user: user).map { storedLists[$0].firstSeen } ?? [:]
    }

    public func keepFirstSeenTimes() {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        guard !keepsFirstSeenTimes else { return }
        keepsFirstSeenTimes = true
        if case .holdsLists = derived.onDisk { derived.onDisk = .differs }
    }

    /// Forgets what was derived from the lists as they were.
    private func listsChanged() {
        derived = Derived()
    }

    /// Appends the UIDs to the journal (kill-safe at once, crash-safe after
    /// ``makeRecordsDurable()``), then adds them to the list in memory.
    /// - Throws: ``UIDLsError/system(path:errno:)`` for the journal (74).
    public func recordDelivered(_ uids: [String], host: String, user: String) throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        let time = keepsFirstSeenTimes ? sessionStart : nil
        try journal.append(uids.map {
            UIDLsJournalRecord(host: host, user: user, uid: Array($0.utf8), firstSeen: time)
        })
        let key = ListKey(host: host, user: user)
        if !listsToBeReplaced.contains(key) {
            Deliveries.add(uids, key: key, firstSeen: time, to: &delivered)
        }
        Deliveries.add(uids, key: key, firstSeen: time, to: &unmarkedDelivered)
    }

    /// See ``SeenMessageStore/deliveriesWillBeReplaced(host:user:)``: a
    /// retrieval of 100,000 messages then keeps no second copy of their UIDs.
    public func deliveriesWillBeReplaced(host: String, user: String) {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        listsToBeReplaced.insert(ListKey(host: host, user: user))
    }

    /// Appends a pending record to the journal (a copy into its mapping,
    /// like every record: no system call, no sync); see
    /// ``SeenMessageStore/recordPending(_:proof:host:user:)``.
    /// - Throws: ``UIDLsError/system(path:errno:)`` for the journal (74).
    public func recordPending(_ uid: String, proof: DeliveryProof, host: String, user: String) throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        try journal.append([UIDLsJournalRecord(host: host, user: user, uid: Array(uid.utf8), proof: proof)])
    }

    /// Appends an append record to the journal; see
    /// ``SeenMessageStore/recordAppend(_:intent:host:user:)``.
    /// - Throws: ``UIDLsError/system(path:errno:)`` for the journal (74).
    public func recordAppend(_ uid: String, intent: AppendIntent, host: String, user: String) throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        let record = UIDLsJournalRecord(host: host, user: user, uid: Array(uid.utf8), intent: intent)
        guard intent.start == intent.messageStart, !openBatches.contains(intent.path) else {
            try journal.append([record])
            return
        }
        // The batch's first write: where it begins goes to disk before it.
        if onDiskChecksum == nil {
            var info = stat()
            guard fstat(fd, &info) == 0,
                  let checksum = FileStretch(fd: fd).checksumKeepingOpen(from: 0, count: Int64(info.st_size)) else {
                throw UIDLsError.system(path: path, errno: errno)
            }
            onDiskChecksum = checksum
        }
        let batch = MboxBatch(path: intent.path, offset: intent.messageStart, uidlsChecksum: onDiskChecksum!)
        try journal.appendDurably([UIDLsJournalRecord(host: host, user: user, uid: Array(uid.utf8), batch: batch),
                                   record])
        openBatches.insert(intent.path)
    }

    /// Marks the journal's records durable and syncs it.
    /// - Throws: ``UIDLsError/system(path:errno:)`` for the journal (74).
    public func makeRecordsDurable() throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        // The messages are durable by now (the caller's promise), so their
        // UIDs count whether or not the marker makes it to the journal.
        unmarkedDelivered = []
        openBatches = []
        try journal.markDurable()
    }

    /// Waits for the journal's markers to be on disk; see
    /// ``SeenMessageStore/waitUntilRecordsAreDurable()``.
    /// - Throws: ``UIDLsError/system(path:errno:)`` for a failed sync (74).
    public func waitUntilRecordsAreDurable() throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        try journal.waitForMarkers()
    }

    /// Takes back the journal's records since the last marker, and forgets
    /// their UIDs: see ``SeenMessageStore/withdrawUnmarkedRecords()``.
    /// - Throws: ``UIDLsError/system(path:errno:)`` when the journal could
    ///   be neither cut back nor removed.
    public func withdrawUnmarkedRecords() throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        let withdrawn = unmarkedDelivered
        unmarkedDelivered = []
        openBatches = []
        if !withdrawn.isEmpty {
            mergeDelivered()
            forget(withdrawn)
        }
        try journal.withdrawUnmarked()
    }

    /// Removes these UIDs from their lists (a list left empty goes).
    private func forget(_ groups: [Deliveries]) {
        var byKey: [ListKey: Set<[UInt8]>] = [:]
        for group in groups {
            byKey[group.key, default: []].formUnion(group.uids)
        }
        for (key, uids) in byKey {
            knownUIDs[key] = nil
            guard let index = index(host: key.host, user: key.user) else { continue }
            let old = storedLists[index].uids
            var kept = UIDSequence()
            for position in old.indices where !uids.contains(old[position]) {
                kept.append(old, at: position)
            }
            storedLists[index].uids = kept
            for uid in uids { storedLists[index].firstSeen[uid] = nil }
            if storedLists[index].uids.isEmpty {
                storedLists.remove(at: index)
            }
            listsChanged()
        }
    }

    public func replace(host: String, user: String, with uids: [String]) {
        replace(host: host, user: user, with: UIDSequence(uids), firstSeen: nil)
    }

    public func replace(host: String, user: String, with uids: [String], firstSeen: [Int64]) {
        precondition(firstSeen.count == uids.count, "one first-seen time per UID")
        replace(host: host, user: user, with: UIDSequence(uids), firstSeen: Optional(firstSeen))
    }

    /// Replaces the list; `firstSeen` is kept only while the store keeps
    /// times, and without it the list keeps the times of the UIDs it still
    /// has. The list shares the buffer of `bytes`.
    public func replace(host: String, user: String, with bytes: UIDSequence, firstSeen: [Int64]?) {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        precondition(firstSeen.map { $0.count == bytes.count } ?? true, "one first-seen time per UID")
        let times = keepsFirstSeenTimes ? firstSeen : nil
        // Deliveries to this list are superseded; others still count.
        let key = ListKey(host: host, user: user)
        delivered.removeAll { $0.key == key }
        unmarkedDelivered.removeAll { $0.key == key }
        listsToBeReplaced.remove(key)
        mergeDelivered()
        let existing = index(host: host, user: user)
        // The usual case of a run that fetched nothing new: the same UIDs
        // in the same order. Then the list stays as it is, bytes and all.
        if let existing, !bytes.isEmpty, storedLists[existing].uids == bytes,
           times.map({ zip(storedLists[existing].uids, $0).allSatisfy { storedLists[existing].firstSeen[$0] == $1 } })
            ?? true {
            return
        }
        var timesByUID = existing.map { storedLists[$0].firstSeen } ?? [:]
        if let times {
            timesByUID = Dictionary(zip(bytes, times), uniquingKeysWith: min)
        } else if !timesByUID.isEmpty {
            let kept = Set(bytes)
            timesByUID = timesByUID.filter { kept.contains($0.key) }
        }
        knownUIDs[ListKey(host: host, user: user)] = nil
        if existing != nil || !bytes.isEmpty {
            listsChanged()
        }
        if let index = existing {
            if bytes.isEmpty {
                storedLists.remove(at: index)
            } else {
                storedLists[index].uids = bytes
                storedLists[index].firstSeen = timesByUID
            }
        } else if !bytes.isEmpty {
            storedLists.insert(UIDList(host: host, user: user, uids: bytes, firstSeen: timesByUID), at: 0)
        }
    }

    /// Waits for the journal's markers to be on disk, writes `FILE.XXXXXX`
    /// (mkstemp, so mode 0600), syncs it, renames it over the file and
    /// syncs the directory; then removes the journal and releases the lock. On failure the old file, the journal and the lock
    /// stay as they were, and the temporary file is removed.
    ///
    /// When the file already holds exactly these bytes (a run that found
    /// nothing new), it is not written again: only its modification time
    /// is set to now, as a rewrite would, for scripts that watch it.
    /// - Throws: ``UIDLsError`` (74) with mpop's messages.
    public func save() throws {
        precondition(isOpen, "UIDLsFile used after save() or close()")
        mergeDelivered()
        // The journal's markers reach the disk before the file that
        // supersedes it: until its removal is on disk too, a run after a
        // power loss reads the journal, and a marker whose sync had not
        // finished may stand above records the power loss took.
        try journal.waitForMarkers()
        if fileHoldsLists() && isPrivateToUser() {
            guard futimens(fd, nil) == 0 else { throw UIDLsError.system(path: path, errno: errno) }
            // The journal goes only once the file that holds its UIDs too
            // is surely on disk (another program may have written it).
            if journal.fileExists && fsync(fd) != 0 {
                throw UIDLsError.system(path: path, errno: errno)
            }
            try journal.remove()
            removeReplayedOutcomeFiles()
            createdFile = false
            close()
            return
        }
        do throws(UIDLsError) {
            try replaceFile()
        } catch {
            guard error.isLackOfSpace && journal.fileExists else { throw error }
            // A disk too full for the new file while the journal takes its
            // space (a user at the edge of their quota). First the room the
            // journal reserved ahead of its records goes. Then, the lists in
            // memory holding every record of the journal, the journal's own
            // blocks may take the new file's bytes and be renamed over the
            // file. When they are too few, the journal stays as it is, for
            // the next run to fold in.
            journal.closeFile()
            do throws(UIDLsError) {
                try replaceFile()
            } catch {
                guard error.isLackOfSpace, try journal.becomeFile(at: path, holding: serializedLists()) else {
                    throw error
                }
            }
        }
        let directory = FileSystem.directory(of: path)
        if case .failure(let error) = FileSystem.syncDirectory(directory) {
            throw UIDLsError.system(path: directory, errno: error.code)
        }
        if try journal.remove() {
            _ = FileSystem.syncDirectory(directory)
        }
        removeReplayedOutcomeFiles()
        createdFile = false
        close()
    }

    /// Writes the lists to a new file renamed over the file; see
    /// ``UIDLsSerializer/replaceFile(at:with:firstSeenDefault:)``.
    private func replaceFile() throws(UIDLsError) {
        try UIDLsSerializer.replaceFile(at: path, with: storedLists,
                                        firstSeenDefault: keepsFirstSeenTimes ? sessionStart : nil)
    }

    private func removeReplayedOutcomeFiles() {
        for file in replayedOutcomeFiles {
            unlink(file)
        }
        replayedOutcomeFiles = []
    }

    /// Whether the file is the user's own with mode 0600, as every save
    /// through a new temporary file leaves it (and mpop leaves it): only
    /// then may a save that changes nothing skip the rewrite.
    private func isPrivateToUser() -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && info.st_mode & 0o7777 == 0o600 && info.st_uid == geteuid()
    }

    /// Releases the lock without writing; the journal stays for the next
    /// run. A file that this run created and never saved is removed.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        journal.closeFile()
        if createdFile && !journal.fileExists {
            Self.removeCreated(path: path, fd: fd)
        }
        Glibc.close(fd)
        fd = -1
        storedLists = []
        delivered = []
        unmarkedDelivered = []
        derived = Derived()
    }

    private func index(host: String, user: String) -> Int? {
        storedLists.firstIndex { $0.host == host && $0.user == user }
    }

    /// Adds the UIDs of ``delivered`` to their lists, in order.
    private func mergeDelivered() {
        guard !delivered.isEmpty else { return }
        let pending = delivered
        delivered = []
        for group in pending {
            add(Array(group.uids), host: group.key.host, user: group.key.user,
                firstSeen: Array(repeating: group.firstSeen, count: group.uids.count))
        }
    }

    /// Adds the UIDs not in the list yet, each with its first-seen time
    /// when it has one (`firstSeen[i]` for `uids[i]`) and the list none.
    private func add(_ uids: [[UInt8]], host: String, user: String, firstSeen: [Int64?]) {
        let index: Int
        if let found = self.index(host: host, user: user) {
            index = found
        } else {
            storedLists.insert(UIDList(host: host, user: user, uids: UIDSequence()), at: 0)
            index = 0
            listsChanged()
        }
        let key = ListKey(host: host, user: user)
        var known = knownUIDs.removeValue(forKey: key) ?? Set(storedLists[index].uids)
        for (uid, time) in zip(uids, firstSeen) {
            if known.insert(uid).inserted {
                storedLists[index].uids.append(uid)
                listsChanged()
            }
            if let time, storedLists[index].firstSeen[uid] == nil {
                storedLists[index].firstSeen[uid] = time
                listsChanged()
            }
        }
        knownUIDs[key] = known
    }
}
