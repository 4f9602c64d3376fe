import POP3Core

/// A value that several threads share, reached only through
/// ``withLock(_:)`` under a POSIX mutex (``Monitor``).
///
/// `Synchronization.Mutex` would do as well, but ThreadSanitizer does not
/// see its lock (a futex behind uninstrumented atomics) and reports every
/// access under it as a race; a pthread mutex it sees, so the sanitizer run
/// (`Scripts/sanitizers concurrency`) shows only real races.
///
/// `@unchecked Sendable`: `value` is touched only while the mutex is held.
final class Locked<Value>: @unchecked Sendable {
    private let monitor = Monitor()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try monitor.withLock { try body(&value) }
    }
}
