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
public final class InProcessFileGate: Sendable {
    public static let shared = InProcessFileGate()

    /// A file's identity.
    public struct Key: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    private let monitor = Monitor()
    /// Guarded by `monitor`.
    nonisolated(unsafe) private var held: Set<Key> = []

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
        return try monitor.withLock { () throws(FileLock.Failure) -> Key in
            while held.contains(key) {
                if cancellation.isCancelled { throw .interrupted }
                monitor.wait(nanoseconds: 100_000_000)
            }
            held.insert(key)
            return key
        }
    }

    /// Lets the next holder of `key` in.
    public func leave(_ key: Key) {
        monitor.withLock {
            held.remove(key)
            monitor.broadcast()
        }
    }
}
