#if canImport(Glibc)
import Glibc
#endif

/// One holder at a time, within this process, for a file named by device
/// and inode: the mbox that an account of a run keeps locked while it
/// delivers. A second account of the same run that delivers into it waits
/// here for as long as the first one delivers, as it would have waited for
/// its turn in a run of one account after another, instead of giving up
/// after the file lock's 10 seconds as behind another process. The file
/// lock is taken after the gate, so it still excludes other processes.
///
/// `@unchecked Sendable`: the pthread objects live at fixed addresses for
/// the life of the gate, and `held` is only touched under the mutex.
public final class InProcessFileGate: @unchecked Sendable {
    public static let shared = InProcessFileGate()

    /// A file's identity.
    public struct Key: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private var held: Set<Key> = []

    init() {
        mutex = .allocate(capacity: 1)
        changed = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Waits until no one else in this process holds the file open on
    /// `fd`, then holds it; ``leave(_:)`` lets the next one in. Checks
    /// `cancellation` every 0.1 s while waiting.
    /// - Returns: the key to leave with, or `nil` when `fd` cannot be
    ///   identified (then there is nothing to wait for).
    /// - Throws: ``FileLock/Failure/interrupted`` once `cancellation` is set.
    public func enter(fd: Int32, cancellation: Cancellation) throws(FileLock.Failure) -> Key? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let key = Key(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while held.contains(key) {
            if cancellation.isCancelled { throw .interrupted }
            var deadline = timespec()
            clock_gettime(CLOCK_REALTIME, &deadline)
            deadline.tv_nsec += 100_000_000
            if deadline.tv_nsec >= 1_000_000_000 {
                deadline.tv_sec += 1
                deadline.tv_nsec -= 1_000_000_000
            }
            pthread_cond_timedwait(changed, mutex, &deadline)
        }
        held.insert(key)
        return key
    }

    /// Lets the next holder of `key` in.
    public func leave(_ key: Key) {
        pthread_mutex_lock(mutex)
        held.remove(key)
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }
}
