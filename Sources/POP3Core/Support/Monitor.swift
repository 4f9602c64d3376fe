#if canImport(Glibc)
import Glibc
#endif

/// A POSIX mutex with one condition variable, for state that threads wait
/// on (the run's account queue, ``InProcessFileGate``);
/// `Synchronization.Mutex` has no waiting.
///
/// `@unchecked Sendable`: the two pthread objects are made for use from
/// several threads, live at fixed addresses for the life of the value and
/// are never reassigned; the state they guard belongs to the caller, who
/// touches it only inside ``withLock(_:)``.
public final class Monitor: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the mutex.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Inside ``withLock(_:)`` only: releases the mutex until ``broadcast()``
    /// (or a spurious wake-up; callers wait in a loop), then holds it again.
    public func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Like ``wait()``, but returns after `nanoseconds` at the latest, so
    /// that a waiter can look at something no one broadcasts for, such as
    /// a ``Cancellation``.
    public func wait(nanoseconds: Int) {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let total = deadline.tv_nsec + nanoseconds
        deadline.tv_sec += total / 1_000_000_000
        deadline.tv_nsec = total % 1_000_000_000
        pthread_cond_timedwait(condition, mutex, &deadline)
    }

    /// Wakes every thread in ``wait()``.
    public func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
