#if canImport(Glibc)
import Glibc
#endif

/// Opening a UIDLs file: the file created when missing, locked (waiting
/// for another run to let go, at most the lock timeout), and read.
extension UIDLsFile {
    /// Opens, locks and reads the UIDLs file at `path`, trying for the lock
    /// for mpop's 10 seconds.
    /// - Throws: ``UIDLsError``: `.format` (65) for a file mpop would not
    ///   read; `.lockTimeout`, `.lockFailed`, `.system`, `.inputError` (74).
    public static func open(path: String) throws -> UIDLsFile {
        try open(path: path, lockTimeout: defaultLockTimeout)
    }

    /// ``open(path:)`` with another lock timeout, in whole seconds.
    public static func open(path: String, lockTimeout: Int) throws(UIDLsError) -> UIDLsFile {
        try lock(path: path, lockTimeout: lockTimeout).load()
    }

    /// The first half of ``open(path:)``: the file locked and read, its
    /// parsing and the journal's replay left to ``Locked/load()``, which
    /// can then run while the server is still to send its greeting.
    /// Once `cancellation` is set, waiting for the lock ends with `.aborted`.
    public static func lock(path: String, lockTimeout: Int = defaultLockTimeout,
                            cancellation: Cancellation = .never) throws(UIDLsError) -> Locked {
        let (fd, created) = try openLocked(path: path, lockTimeout: lockTimeout, cancellation: cancellation)
        switch FileSystem.readAll(fd) {
        case .success(let bytes):
            return Locked(path: path, fd: fd, bytes: bytes, created: created)
        case .failure:
            Glibc.close(fd)
            if created { unlink(path) }
            throw .inputError(file: path)
        }
    }

    /// A UIDLs file locked and read, not yet parsed. Dropping it without
    /// ``load()`` releases the lock.
    public final class Locked {
        let path: String
        private var fd: Int32
        /// The file's text, until ``load()`` parses it.
        private var bytes: [UInt8]
        /// Whether the lock created the file (then it goes again unless a
        /// save writes it).
        private let created: Bool

        fileprivate init(path: String, fd: Int32, bytes: [UInt8], created: Bool) {
            self.path = path
            self.fd = fd
            self.bytes = bytes
            self.created = created
        }

        deinit {
            if fd >= 0 {
                if created { UIDLsFile.removeCreated(path: path, fd: fd) }
                Glibc.close(fd)
            }
        }

        /// Parses the file and folds in the journal; the store then holds
        /// the lock. Call it once.
        /// - Throws: ``UIDLsError``: `.format` (65); `.system` (74).
        public func load() throws(UIDLsError) -> UIDLsFile {
            precondition(fd >= 0, "Locked.load() called twice")
            let fd = self.fd
            self.fd = -1
            let bytes = self.bytes
            self.bytes = []
            return try UIDLsFile.load(path: path, fd: fd, bytes: bytes, created: created)
        }
    }

    /// Removes the file at `path` that a run created but never saved, when
    /// it is still the one `fd` holds and still empty: a run that failed
    /// before its session leaves no trace, as mpop leaves none.
    static func removeCreated(path: String, fd: Int32) {
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_size == 0 && FileSystem.isSameFile(fd, path) {
            unlink(path)
        }
    }

    /// Opens `path` read-write (creating it, mode 0600, when missing) and
    /// locks it. A symbolic link is followed, and one whose target does not
    /// exist yet creates the target, as mpop's `fopen` does. When another
    /// process renamed a new file over the one we waited on, the lock we got
    /// guards nothing; then we start again with the new file, a bounded
    /// number of times. Once `cancellation` is set, the wait ends.
    /// - Returns: the descriptor, and whether this call created the file.
    private static func openLocked(path: String, lockTimeout: Int,
                                   cancellation: Cancellation) throws(UIDLsError) -> (fd: Int32, created: Bool) {
        for _ in 0..<maximumOpenRounds {
            if cancellation.isCancelled { throw .aborted }
            // O_NONBLOCK: a FIFO at the path must not hang the open; it is
            // refused below, like anything else that is not a plain file.
            var fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            var created = false
            if fd < 0 && errno == ENOENT {
                fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                created = fd >= 0
                if fd < 0 && errno == EEXIST {
                    // A symbolic link to a file that does not exist yet (or
                    // a file that appeared meanwhile): O_EXCL never follows
                    // a link, so create through it without O_EXCL.
                    fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CREAT | O_CLOEXEC, 0o600)
                }
            }
            guard fd >= 0 else { throw .system(path: path, errno: errno) }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let code = errno
                Glibc.close(fd)
                throw .system(path: path, errno: code)
            }
            guard info.st_mode & S_IFMT == S_IFREG else {
                Glibc.close(fd)
                throw .notRegularFile(path: path)
            }
            do {
                try FileLock.lockForWriting(fd, seconds: lockTimeout, cancellation: cancellation)
            } catch {
                Glibc.close(fd)
                switch error {
                case .timedOut(let code): throw .lockTimeout(file: path, seconds: lockTimeout, errno: code)
                case .failed(let code): throw .lockFailed(file: path, errno: code)
                case .interrupted: throw .aborted
                }
            }
            if FileSystem.isSameFile(fd, path) { return (fd, created) }
            Glibc.close(fd)
        }
        throw .lockFailed(file: path, errno: EAGAIN)
    }

    /// How often ``openLocked(path:lockTimeout:cancellation:)`` starts again
    /// after the file it locked was replaced: a replacement takes one rename
    /// by a run that holds the lock, so more than a few in a row means
    /// something keeps changing the path.
    static let maximumOpenRounds = 100
}
