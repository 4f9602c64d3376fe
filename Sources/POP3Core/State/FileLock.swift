#if canImport(Glibc)
import Glibc
#endif

/// A whole-file `fcntl` write lock, taken as mpop's `tools.c:lock_file`
/// takes it, retried every 0.1 s until the time is up, but as an open file
/// description lock (`F_OFD_SETLK`, Linux 3.15) where mpop takes a process
/// lock (`F_SETLK`).
///
/// The two kinds exclude each other, so mpop and other programs that lock
/// the file with `fcntl` or `lockf` still wait for us and we for them. But
/// an open file description lock belongs to the open file, not to the
/// process: two opens of one file in one process exclude each other (two
/// accounts of one run, each on its own thread, cannot both hold the UIDLs
/// file or the mbox), and closing some other descriptor of the file does
/// not drop the lock. It goes when the descriptor it was taken on (and
/// every copy of it) is closed. On a kernel without them, `F_SETLK`.
public enum FileLock {
    public enum Failure: Error, Equatable {
        /// Another process held the lock for the whole time; `errno` of the last try.
        case timedOut(errno: Int32)
        /// `fcntl` failed for another reason.
        case failed(errno: Int32)
        /// A signal (SIGINT, SIGTERM, SIGHUP) asked mpop to stop meanwhile.
        case interrupted
    }

    /// `F_OFD_SETLK` (`<fcntl.h>` with `_GNU_SOURCE`, which Swift's Glibc
    /// module does not show).
    static let openFileDescriptionLock: Int32 = 37

    /// Locks `fd` for writing, trying for `seconds` seconds; once
    /// `cancellation` is set, the wait ends at once.
    /// - Throws: ``Failure``.
    public static func lockForWriting(_ fd: Int32, seconds: Int,
                                      cancellation: Cancellation = .never) throws(Failure) {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        var tries = 0
        var command = openFileDescriptionLock
        while fcntl(fd, command, &lock) == -1 {
            let code = errno
            if code == EINVAL && command == openFileDescriptionLock {
                command = F_SETLK
                continue
            }
            guard code == EACCES || code == EAGAIN || code == EINTR else {
                throw .failed(errno: code)
            }
            if cancellation.isCancelled {
                throw .interrupted
            }
            tries += 1
            if tries > seconds * 10 {
                throw .timedOut(errno: code)
            }
            var interval = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            var remaining = timespec()
            while nanosleep(&interval, &remaining) == -1 && errno == EINTR && !cancellation.isCancelled {
                interval = remaining
            }
        }
    }
}
