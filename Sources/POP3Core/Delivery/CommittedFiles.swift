#if canImport(Glibc)
import Glibc
#endif

/// The files a maildir or Exchange sink has committed since its last
/// ``MessageSink/syncCommitted()``: their descriptors stay open until one
/// fsync pass makes the whole batch durable.
///
/// At most ``openLimit`` descriptors are held; past that the oldest are
/// synced and closed early, and an error from that early sync is kept until
/// the batch's sync reports it.
struct CommittedFiles {
    static let openLimit = 128

    /// A committed file: its descriptor (or -1 once closed early), the path
    /// for error messages, and its name relative to the sink's directory.
    private struct Entry {
        var fd: Int32
        let displayPath: String
        let relativePath: String
    }

    private var entries: [Entry] = []
    private var openCount = 0
    private var deferredError: DeliveryError?

    var isEmpty: Bool { entries.isEmpty }

    /// Adds a committed file and takes ownership of `fd`.
    mutating func add(fd: Int32, displayPath: String, relativePath: String, calls: FileSystemCalls) {
        // Starts the file's writeback now, without waiting for it: by the
        // batch's fsync pass the blocks are allocated in the file system's
        // running transaction, so the first fsync commits the whole batch and
        // the others find little left to do (one journal commit per batch
        // instead of one per file; 4-5 times faster on ext4). Advice only:
        // its result does not matter, the fsync pass decides durability.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        entries.append(Entry(fd: fd, displayPath: displayPath, relativePath: relativePath))
        openCount += 1
        if openCount > Self.openLimit, let error = syncAndCloseFiles(calls: calls), deferredError == nil {
            deferredError = error
        }
    }

    /// Syncs and closes every file of the batch, then each directory in
    /// `directories` (descriptor and path for messages). On success the
    /// batch is empty. On failure every file of the batch is removed from
    /// `directory` (a message that is not durable will be fetched again, and
    /// must not be there twice) and the first error is thrown.
    mutating func sync(directories: [(fd: Int32, path: String)], removingFailuresFrom directory: Int32,
                       calls: FileSystemCalls) throws(DeliveryError) {
        guard !entries.isEmpty else { return }
        var failure = deferredError
        if let error = syncAndCloseFiles(calls: calls), failure == nil {
            failure = error
        }
        if failure == nil {
            // EINVAL: the file system cannot sync a directory (mpop ignores
            // the same for an mbox on /dev/null).
            for (fd, path) in directories where calls.fsync(fd) != 0 {
                let error = errno
                if error != EINVAL {
                    failure = .cannotSync(path: path, errno: error)
                    break
                }
            }
        }
        if failure != nil {
            for entry in entries {
                unlinkat(directory, entry.relativePath, 0)
            }
        }
        entries.removeAll()
        openCount = 0
        deferredError = nil
        if let failure { throw failure }
    }

    /// Closes every descriptor without syncing (the sink is going away).
    mutating func closeAll() {
        for index in entries.indices where entries[index].fd >= 0 {
            Glibc.close(entries[index].fd)
            entries[index].fd = -1
        }
        entries.removeAll()
        openCount = 0
        deferredError = nil
    }

    /// Syncs and closes the files still open; returns the first error.
    private mutating func syncAndCloseFiles(calls: FileSystemCalls) -> DeliveryError? {
        var failure: DeliveryError?
        for index in entries.indices where entries[index].fd >= 0 {
            let fd = entries[index].fd
            entries[index].fd = -1
            openCount -= 1
            if calls.fsync(fd) != 0, failure == nil {
                failure = .cannotSync(path: entries[index].displayPath, errno: errno)
            }
            if Glibc.close(fd) != 0, failure == nil {
                failure = .cannotClose(path: entries[index].displayPath, errno: errno)
            }
        }
        return failure
    }
}
