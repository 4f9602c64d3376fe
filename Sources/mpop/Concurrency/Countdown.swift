import POP3Core

/// Waits until a number of things have ended: the workers of a run, which
/// must be done before the signal handlers go and the threads are joined.
final class Countdown: Sendable {
    private let monitor = Monitor()
    /// Guarded by `monitor`.
    nonisolated(unsafe) private var left: Int

    init(_ count: Int) {
        left = count
    }

    /// One has ended.
    func countDown() {
        monitor.withLock {
            left -= 1
            monitor.broadcast()
        }
    }

    /// Returns once ``countDown()`` was called as often as the count.
    func wait() {
        monitor.withLock {
            while left > 0 { monitor.wait() }
        }
    }
}
