#if canImport(Glibc)
import Glibc
#endif

/// A whole-file `fcntl` write lock, taken as mpop's `tools.c:lock_file`
/// takes it: `F_SETLK` retried every 0.1 s until the time is up.
///
/// `fcntl` locks belong to the process and vanish when any descriptor of
/// the file is closed, so two opens in one process do not exclude each
/// other; the lock only guards against other processes.
public enum FileLock {
    public enum Failure: Error, Equatable {
        /// Another process held the lock for the whole time; `errno` of the last try.
        case timedOut(errno: Int32)
        /// `fcntl` failed for another reason.
        case failed(errno: Int32)
        /// A signal (SIGINT, SIGTERM, SIGHUP) asked mpop to stop meanwhile.
        case interrupted
    }

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
        while fcntl(fd, F_SETLK, &lock) == -1 {
            let code = errno
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
