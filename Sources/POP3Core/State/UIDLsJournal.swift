import CSupport
#if canImport(Glibc)
import Glibc
#endif

/// The journal beside a UIDLs file (`FILE.journal`): delivered UIDs are
/// appended as soon as their messages are committed, and marked durable
/// once the messages are on disk (``UIDLsJournalReplay`` says which records
/// count after a crash), so a kill or a power loss between delivery and the
/// next save of the UIDLs file cannot make a message look new again. mpop
/// itself only ever opens the UIDLs file, so it ignores the journal.
final class UIDLsJournal {
    let path: String
    private var fd: Int32 = -1
    /// Appends to `fd` once it is open.
    private var appender: MappedAppender?
    /// Whether appends may go through a memory mapping (tests turn it off
    /// to cover the `pwrite` fallback).
    private let mapsFile: Bool
    /// Whether the next append must first end a torn last line.
    private var needsLineEnd = false
    /// This boot's id, written before this process's first record.
    private let bootID = UIDLsJournalReplay.currentBootID()
    private var wroteBootLine = false
    /// Records written since the last durability marker.
    private var unmarked = false
    /// The storage ``append(_:)`` encodes into, kept from record to record.
    private var scratch: [UInt8] = []
    /// Whether the journal was found or created by this process.
    private(set) var fileExists = false

    init(uidlsPath: String, mapsFile: Bool = true) {
        path = uidlsPath + ".journal"
        self.mapsFile = mapsFile
    }

    deinit {
        closeFile()
    }

    /// The records of a journal left by an earlier run that count (see
    /// ``UIDLsJournalReplay``); none when there is no journal. Records that
    /// an earlier run of this boot left unmarked are made durable first:
    /// maildir files that wait in `tmp/` for their batch's sync are moved
    /// to `new/`, everything the kernel holds is synced, then the records
    /// are marked.
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    func readRecords() throws(UIDLsError) -> [UIDLsJournalRecord] {
        let (records, unmarked, dropped) = try replayFile()
        droppedRecords = dropped
        if unmarked {
            for record in records {
                record.proof?.finishPublication()
            }
            sync()
            self.unmarked = true
            try markDurable()
        }
        return records
    }

    /// The records ``readRecords()`` found after the last marker and did
    /// not count: written in an earlier boot, which a crash ended.
    private(set) var droppedRecords: [UIDLsJournalRecord] = []

    private func replayFile() throws(UIDLsError)
        -> (records: [UIDLsJournalRecord], unmarked: Bool, dropped: [UIDLsJournalRecord]) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return ([], false, []) }
            throw Self.openError(path: path, errno: errno)
        }
        defer { close(fd) }
        try Self.checkOwnRegularFile(fd, path: path)
        fileExists = true
        switch FileSystem.readAll(fd) {
        case .success(let bytes): return UIDLsJournalReplay.replay(bytes, currentBootID: bootID)
        case .failure(let error): throw .system(path: path, errno: error.code)
        }
    }

    /// Appends the records (see ``MappedAppender``): from then on they
    /// outlive this process, and after ``markDurable()`` a crash of the
    /// machine too.
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    func append(_ records: [UIDLsJournalRecord]) throws(UIDLsError) {
        guard !records.isEmpty, !isSuspended else { return }
        do throws(UIDLsError) {
            try openIfNeeded()
        } catch {
            guard error.isLackOfSpace else { throw error }
            suspend()
            return
        }
        if !unmarked {
            withdrawPoint = (appender!.end, wroteBootLine)
        }
        scratch.removeAll(keepingCapacity: true)
        if !wroteBootLine, let bootID {
            scratch += UIDLsJournalReplay.bootLine(bootID)
        }
        for record in records {
            record.encode(into: &scratch)
        }
        do throws(UIDLsError) {
            try write(scratch)
        } catch {
            guard error.isLackOfSpace else { throw error }
            suspend()
            return
        }
        wroteBootLine = true
        unmarked = true
    }

    /// Appends the records and waits until they are on disk (with the
    /// journal's name, when this process created it): for what must be
    /// durable before the writes it announces. Unmarked all the same.
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    func appendDurably(_ records: [UIDLsJournalRecord]) throws(UIDLsError) {
        try append(records)
        guard !isSuspended, fd >= 0 else { return }
        guard fdatasync(fd) == 0 else { throw .system(path: path, errno: errno) }
        try syncCreatedDirectoryEntry()
    }

    /// Whether the journal stopped recording for the rest of the run.
    private(set) var isSuspended = false

    /// Stops recording: the disk has no room for another record. Recording
    /// is what makes a run that is killed midway not fetch its messages a
    /// second time; it keeps no message safe (nothing is deleted on the
    /// server before its message is durable).
    /// So a run on a nearly full disk goes on without it, as mpop runs,
    /// instead of fetching nothing at all. What was recorded stays, and can
    /// still be withdrawn or marked.
    private func suspend() {
        isSuspended = true
    }

    /// Marks every record so far as durable and has the journal synced
    /// (and, when it was just created, its directory). Call it only once
    /// the messages of those records are durable themselves.
    ///
    /// The journal's own sync runs in the background while the session
    /// goes on: a marker that a crash of the machine loses leaves its
    /// records unmarked, and unmarked records of an earlier boot are
    /// ignored, so the worst a lost marker does is fetch those messages
    /// again. Only the first DELE and the save of the UIDLs file wait for
    /// it (``waitForMarkers()``): the messages themselves were synced
    /// before the marker was written, and neither a server that deleted
    /// them nor a UIDLs file that lists them may meet a journal whose
    /// marker for them a power loss took.
    /// - Throws: ``UIDLsError/system(path:errno:)``, also for an earlier
    ///   background sync that failed.
    func markDurable() throws(UIDLsError) {
        guard unmarked else { return }
        unmarked = false
        withdrawPoint = nil
        do throws(UIDLsError) {
            try write(UIDLsJournalReplay.durableMarker)
        } catch {
            guard error.isLackOfSpace else { throw error }
            // The records stay unmarked: they count after a kill, not after
            // a crash of the machine (a second download at worst).
            suspend()
            return
        }
        if syncer == nil {
            syncer = csupport_syncer_create(fd)
        }
        if let syncer {
            let code = csupport_syncer_request(syncer)
            guard code == 0 else { throw .system(path: path, errno: code) }
        } else {
            guard fdatasync(fd) == 0 else { throw .system(path: path, errno: errno) }
        }
        try syncCreatedDirectoryEntry()
    }

    /// Waits until the markers written so far are on disk: the background
    /// sync, if one is pending, runs at once instead of after its pause.
    /// - Throws: ``UIDLsError/system(path:errno:)`` when a sync failed.
    func waitForMarkers() throws(UIDLsError) {
        guard let syncer else { return }
        self.syncer = nil
        let code = csupport_syncer_destroy(syncer)
        guard code == 0 else { throw .system(path: path, errno: code) }
    }

    /// Syncs the journal's directory once, when this process created the
    /// journal: without it a power loss can take the file's name.
    private func syncCreatedDirectoryEntry() throws(UIDLsError) {
        guard createdDirectoryEntry else { return }
        if case .failure(let error) = FileSystem.syncDirectory(FileSystem.directory(of: path)) {
            throw .system(path: FileSystem.directory(of: path), errno: error.code)
        }
        createdDirectoryEntry = false
    }

    /// Whether the journal file was created by this process and its
    /// directory not yet synced.
    private var createdDirectoryEntry = false
    /// The background sync of `fd`, from the first ``markDurable()`` on.
    private var syncer: OpaquePointer?

    /// Where the records since the last marker begin, and whether this
    /// process's boot line was written before them.
    private var withdrawPoint: (offset: off_t, bootLineWritten: Bool)?

    /// Takes back every record written since the last marker: their
    /// messages did not become durable, so a later run must not count them.
    /// The records' bytes become the zero tail a reader stops at, which
    /// outlives this process at once; should that fail, the journal is
    /// removed instead (its marked records then cost a second download of
    /// their messages, never a lost one).
    /// - Throws: ``UIDLsError/system(path:errno:)`` when neither worked.
    func withdrawUnmarked() throws(UIDLsError) {
        guard unmarked, let withdrawPoint else { return }
        if appender?.withdraw(to: withdrawPoint.offset) == 0 {
            wroteBootLine = withdrawPoint.bootLineWritten
            unmarked = false
            return
        }
        try remove()
        unmarked = false
    }

    private func write(_ payload: [UInt8]) throws(UIDLsError) {
        try openIfNeeded()
        let error = payload.withUnsafeBytes { appender!.append($0) }
        guard error == 0 else { throw .system(path: path, errno: error) }
    }

    /// Opens the journal for appending, first writing its header (a new
    /// journal) or ending a torn last line.
    private func openIfNeeded() throws(UIDLsError) {
        guard fd < 0 else { return }
        var created = false
        try openForAppending(created: &created)
        var prefix: [UInt8] = []
        if created {
            prefix = UIDLsJournalRecord.header
            createdDirectoryEntry = true
        } else if needsLineEnd {
            // A crash tore the last line; end it so that it stays one
            // damaged (ignored) line instead of spoiling the first new one.
            prefix = [UInt8(ascii: "\n")]
        }
        if !prefix.isEmpty {
            let error = prefix.withUnsafeBytes { appender!.append($0) }
            guard error == 0 else { throw .system(path: path, errno: error) }
        }
        needsLineEnd = false
    }

    /// Turns the journal into the file `target` holding `bytes`, without
    /// asking the file system for a block more: `bytes` are written over
    /// the journal's own blocks, the file is cut to their length, synced,
    /// and renamed over `target`. For a disk too full for a new file; the
    /// caller's `bytes` must hold every record of the journal. A crash
    /// before the rename leaves a journal whose lines are no records: those
    /// deliveries are fetched again, and none is lost.
    /// - Returns: `false`, with the journal untouched, when `bytes` do not
    ///   fit in the blocks it has, or its first write fails.
    /// - Throws: ``UIDLsError/system(path:errno:)`` when writing, syncing or
    ///   renaming fails.
    func becomeFile(at target: String, holding bytes: [UInt8]) throws(UIDLsError) -> Bool {
        closeFile()
        let fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Self.openError(path: path, errno: errno) }
        defer { close(fd) }
        try Self.checkOwnRegularFile(fd, path: path)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system(path: path, errno: errno) }
        guard Int(info.st_blocks) * 512 >= bytes.count,
              case .success(let records) = FileSystem.readAll(fd) else { return false }
        switch Self.overwrite(fd, with: bytes) {
        case .untouched:
            return false
        case .failed(let code):
            Self.putBack(records, into: fd)
            throw .system(path: path, errno: code)
        case .done:
            break
        }
        // Cut to length only once the bytes are synced: until then the
        // records' blocks stay the file's, to put them back if need be.
        guard fsync(fd) == 0, ftruncate(fd, off_t(bytes.count)) == 0, fsync(fd) == 0 else {
            let code = errno
            Self.putBack(records, into: fd)
            throw .system(path: path, errno: code)
        }
        guard rename(path, target) == 0 else {
            let code = errno
            Self.putBack(records, into: fd)
            throw .cannotRename(from: path, to: target, errno: code)
        }
        fileExists = false
        return true
    }

    private enum Overwrite {
        case done, untouched, failed(Int32)
    }

    /// Writes `bytes` from the start of `fd` (what lies beyond them stays).
    private static func overwrite(_ fd: Int32, with bytes: [UInt8]) -> Overwrite {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + written, bytes.count - written, off_t(written)) }
            if count < 0 {
                if errno == EINTR { continue }
                return written == 0 ? .untouched : .failed(errno)
            }
            written += count
        }
        return .done
    }

    /// Best effort after a failed ``becomeFile(at:holding:)``: the journal's
    /// records go back where they were (into blocks the file still has),
    /// so that the next run still finds them.
    private static func putBack(_ records: [UInt8], into fd: Int32) {
        _ = overwrite(fd, with: records)
        _ = ftruncate(fd, off_t(records.count))
        _ = fsync(fd)
    }

    /// Deletes the journal (its records are in the UIDLs file now);
    /// returns whether there was one.
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    @discardableResult
    func remove() throws(UIDLsError) -> Bool {
        closeFile()
        fileExists = false
        if unlink(path) == 0 { return true }
        guard errno == ENOENT else { throw .system(path: path, errno: errno) }
        return false
    }

    func closeFile() {
        finishBackgroundSync()
        appender?.close()
        appender = nil
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    /// Waits for the background sync and stops it; its result no longer
    /// matters once the journal is closed or removed.
    private func finishBackgroundSync() {
        if let syncer {
            _ = csupport_syncer_destroy(syncer)
            self.syncer = nil
        }
    }

    /// Opens the journal, or creates it (then `created`: it needs its
    /// header). An existing journal is continued where its data ends: a
    /// run killed while appending leaves zero bytes after it.
    private func openForAppending(created: inout Bool) throws(UIDLsError) {
        // Never through a symbolic link, never blocking on a FIFO: anyone
        // who can write to the directory could have put either there.
        let flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        var descriptor = open(path, flags)
        if descriptor < 0 && errno == ENOENT {
            descriptor = open(path, flags | O_CREAT | O_EXCL, 0o600)
            created = descriptor >= 0
        }
        guard descriptor >= 0 else { throw Self.openError(path: path, errno: errno) }
        var info = stat()
        var end: off_t = 0
        do throws(UIDLsError) {
            try Self.checkOwnRegularFile(descriptor, path: path)
            guard fstat(descriptor, &info) == 0 else { throw .system(path: path, errno: errno) }
            if !created {
                guard let dataEnd = MappedAppender.logicalEnd(of: descriptor, size: info.st_size) else {
                    throw .system(path: path, errno: errno)
                }
                end = dataEnd
                // Nothing but zeros: a run was killed before its header landed.
                created = end == 0
                if end > 0 {
                    var last: UInt8 = 0
                    guard pread(descriptor, &last, 1, end - 1) == 1 else { throw .system(path: path, errno: errno) }
                    needsLineEnd = last != UInt8(ascii: "\n")
                }
            }
        } catch {
            close(descriptor)
            throw error
        }
        fd = descriptor
        fileExists = true
        appender = MappedAppender(fd: fd, end: end, size: info.st_size, mapping: mapsFile)
    }

    /// The error for a journal that cannot be opened: a symbolic link
    /// (`ELOOP` under `O_NOFOLLOW`) is not a regular file.
    private static func openError(path: String, errno code: Int32) -> UIDLsError {
        code == ELOOP ? .notRegularFile(path: path) : .system(path: path, errno: code)
    }

    /// Refuses a journal that is not a regular file of this user's.
    private static func checkOwnRegularFile(_ fd: Int32, path: String) throws(UIDLsError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system(path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: path) }
        guard info.st_uid == geteuid() else { throw .foreignOwner(path: path) }
    }
}
