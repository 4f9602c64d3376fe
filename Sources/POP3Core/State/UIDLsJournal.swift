#if canImport(Glibc)
import Glibc
#endif

/// The journal beside a UIDLs file (`FILE.journal`): delivered UIDs are
/// appended and synced before mpop goes on, so a crash, a kill or a power
/// loss between delivery and the next save of the UIDLs file cannot make a
/// message look new again. mpop itself only ever opens the UIDLs file, so
/// it ignores the journal.
final class UIDLsJournal {
    let path: String
    private var fd: Int32 = -1
    /// Whether the next append must first end a torn last line.
    private var needsLineEnd = false

    init(uidlsPath: String) {
        path = uidlsPath + ".journal"
    }

    deinit {
        closeFile()
    }

    /// The intact records of a journal left by an earlier run; none when there is no journal.
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    func readRecords() throws(UIDLsError) -> [UIDLsJournalRecord] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return [] }
            throw .system(path: path, errno: errno)
        }
        defer { close(fd) }
        switch FileSystem.readAll(fd) {
        case .success(let bytes): return UIDLsJournalRecord.decodeAll(bytes)
        case .failure(let error): throw .system(path: path, errno: error.code)
        }
    }

    /// Appends the records and, with `sync`, syncs the journal (and, when it
    /// was just created, its directory) before returning.
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    func append(_ records: [UIDLsJournalRecord], sync: Bool = true) throws(UIDLsError) {
        guard !records.isEmpty else { return }
        var created = false
        if fd < 0 {
            try openForAppending(created: &created)
        }
        var bytes: [UInt8] = []
        if created {
            bytes += UIDLsJournalRecord.header
        } else if needsLineEnd {
            // A crash tore the last line; end it so that it stays one
            // damaged (ignored) line instead of spoiling the first new one.
            bytes.append(UInt8(ascii: "\n"))
        }
        for record in records {
            bytes += record.encoded
        }
        if case .failure(let error) = FileSystem.writeAll(fd, bytes) {
            throw .system(path: path, errno: error.code)
        }
        needsLineEnd = false
        guard sync else { return }
        guard fdatasync(fd) == 0 else { throw .system(path: path, errno: errno) }
        if created, case .failure(let error) = FileSystem.syncDirectory(FileSystem.directory(of: path)) {
            throw .system(path: FileSystem.directory(of: path), errno: error.code)
        }
    }

    /// Deletes the journal (its records are in the UIDLs file now).
    /// - Throws: ``UIDLsError/system(path:errno:)``.
    func remove() throws(UIDLsError) {
        closeFile()
        guard unlink(path) == 0 || errno == ENOENT else { throw .system(path: path, errno: errno) }
    }

    func closeFile() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    private func openForAppending(created: inout Bool) throws(UIDLsError) {
        var descriptor = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        if descriptor < 0 && errno == ENOENT {
            descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            created = descriptor >= 0
        }
        guard descriptor >= 0 else { throw .system(path: path, errno: errno) }
        fd = descriptor
        if !created {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw .system(path: path, errno: errno) }
            if info.st_size > 0 {
                var last: UInt8 = 0
                guard pread(fd, &last, 1, info.st_size - 1) == 1 else { throw .system(path: path, errno: errno) }
                needsLineEnd = last != UInt8(ascii: "\n")
            }
        }
    }
}
