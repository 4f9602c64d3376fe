#if canImport(Glibc)
import Glibc
#endif

/// The files a maildir or Exchange sink has committed since its last
/// ``MessageSink/syncCommitted()``: their descriptors stay open until one
/// fsync pass makes the whole batch durable. A maildir file is moved from
/// `tmp/` to `new/` only after that pass, so that no crash of the machine
/// can leave a name in `new/` for bytes that never reached the disk (an
/// empty or partial message that a reader would show).
///
/// At most ``openLimit`` descriptors are held; past that the oldest are
/// synced and closed early, and an error from that early sync is kept until
/// the batch's sync reports it.
struct CommittedFiles {
    static let openLimit = 128

    /// Errors of `link(2)` that mean "this file system has no hard links
    /// here" rather than "this went wrong"; `rename(2)` works there.
    static let linkRefusals: Set<Int32> = [EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, ENOSYS, EMLINK]

    /// A committed file: its descriptor (or -1 once closed early), its name
    /// relative to the sink's directory, and where it goes once durable.
    private struct Entry {
        var fd: Int32
        let relativePath: String
        let destination: String?
        /// Whether it was moved to ``destination``.
        var published = false

        /// Its final name, relative to the sink's directory.
        var finalPath: String { destination ?? relativePath }
    }

    private var entries: [Entry] = []
    private var openCount = 0
    private var deferredError: DeliveryError?
    /// The sink's directory as configured, for error messages.
    private var directoryPath = ""

    var isEmpty: Bool { entries.isEmpty }

    /// Adds a committed file, written at `relativePath` and going to
    /// `destination` once durable, and takes ownership of `fd`.
    mutating func add(fd: Int32, relativePath: String, destination: String?, directoryPath: String,
                      calls: FileSystemCalls) {
        // Starts the file's writeback now, without waiting for it: by the
        // batch's fsync pass the blocks are allocated in the file system's
        // running transaction, so the first fsync commits the whole batch and
        // the others find little left to do (one journal commit per batch
        // instead of one per file; 4-5 times faster on ext4). Advice only:
        // its result does not matter, the fsync pass decides durability.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        self.directoryPath = directoryPath
        entries.append(Entry(fd: fd, relativePath: relativePath, destination: destination))
        openCount += 1
        if openCount > Self.openLimit, let error = syncAndCloseFiles(calls: calls), deferredError == nil {
            deferredError = error
        }
    }

    /// Syncs and closes every file of the batch, moves each to its
    /// destination, then syncs each directory in `directories` (descriptor
    /// and path for messages). On success the batch is empty. On failure
    /// every file of the batch is removed from `directory` (a message that
    /// is not durable will be fetched again, and must not be there twice)
    /// and the first error is thrown.
    mutating func sync(directories: [(fd: Int32, path: String)], removingFailuresFrom directory: Int32,
                       calls: FileSystemCalls) throws(DeliveryError) {
        guard !entries.isEmpty else { return }
        var failure = deferredError
        if let error = syncAndCloseFiles(calls: calls), failure == nil {
            failure = error
        }
        if failure == nil {
            for index in entries.indices where entries[index].destination != nil {
                if let error = publish(entries[index], in: directory, calls: calls) {
                    failure = error
                    break
                }
                entries[index].published = true
            }
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
                unlinkat(directory, entry.published ? entry.finalPath : entry.relativePath, 0)
            }
        }
        entries.removeAll()
        openCount = 0
        deferredError = nil
        if let failure { throw failure }
    }

    /// Links the durable file to its destination and unlinks the first
    /// name, or renames it where the file system refuses hard links.
    private func publish(_ entry: Entry, in directory: Int32, calls: FileSystemCalls) -> DeliveryError? {
        guard let destination = entry.destination else { return nil }
        if calls.linkat(directory, entry.relativePath, destination) == 0 {
            unlinkat(directory, entry.relativePath, 0)
            return nil
        }
        let linkError = errno
        if Self.linkRefusals.contains(linkError),
           renameat(directory, entry.relativePath, directory, destination) == 0 {
            return nil
        }
        return .cannotLink(directory: directoryPath, from: entry.relativePath, to: destination, errno: linkError)
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
                failure = .cannotSync(path: "\(directoryPath)/\(entries[index].finalPath)", errno: errno)
            }
            if Glibc.close(fd) != 0, failure == nil {
                failure = .cannotClose(path: "\(directoryPath)/\(entries[index].finalPath)", errno: errno)
            }
        }
        return failure
    }
}
