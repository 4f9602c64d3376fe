#if canImport(Glibc)
import Glibc
#endif

/// Plain POSIX threads for the workers of a run (the product has no
/// Foundation, and the work is blocking socket and file I/O, which has no
/// place on Swift's cooperative pool).
///
/// ``start(_:_:)`` and ``join()`` are separate so that the threads are
/// joined only after the signal handlers that may name them are gone
/// (``AbortSignals/whileRunning(_:_:)``).
struct WorkerThreads {
    private var threads: [pthread_t] = []

    /// What a thread runs, passed through `pthread_create`'s argument.
    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `count` threads, each running `body` with its number
    /// (`0..<count`). Stops at the first thread the system refuses; at
    /// least one runs unless none could start.
    /// - Returns: how many started.
    static func start(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> WorkerThreads {
        var workers = WorkerThreads()
        for number in 0..<count {
            let job = Unmanaged.passRetained(Job { body(number) }).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { argument in
                let job = Unmanaged<Job>.fromOpaque(argument!).takeRetainedValue()
                job.body()
                return nil
            }, job)
            guard started == 0 else {
                Unmanaged<Job>.fromOpaque(job).release()
                break
            }
            workers.threads.append(thread)
        }
        return workers
    }

    /// How many threads started.
    var count: Int { threads.count }

    /// Waits for every thread to end.
    func join() {
        for thread in threads {
            pthread_join(thread, nil)
        }
    }
}
