#if canImport(Glibc)
import Glibc
#endif

/// An `fcntl` write lock on a whole file, as mpop's `tools.c:lock_file`
/// takes it. The lock belongs to the process and goes with `close(2)`.
enum RecordLock {
    /// How a lock attempt ended.
    enum Outcome: Equatable {
        case locked
        /// Another process still held it after `timeout` seconds; `errno`.
        case timedOut(Int32)
        /// `fcntl` failed for another reason; `errno`.
        case failed(Int32)
    }

    /// Tries `F_SETLK` every tenth of a second for `timeout` seconds
    /// (`0`: once). Blocks the calling thread while it waits.
    static func lockForWriting(_ fd: Int32, timeout: Int) -> Outcome {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        var tenths = 0
        while true {
            if fcntl(fd, F_SETLK, &lock) != -1 {
                return .locked
            }
            let error = errno
            if error == EINTR { continue }
            guard error == EACCES || error == EAGAIN else {
                return .failed(error)
            }
            if tenths / 10 >= timeout {
                return .timedOut(error)
            }
            var tenth = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            nanosleep(&tenth, nil)
            tenths += 1
        }
    }
}
