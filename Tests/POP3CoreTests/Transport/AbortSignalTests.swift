import CSupport
import Foundation
import POP3Core
import Testing
import TestSupport

/// mpop installs SIGINT/SIGTERM/SIGHUP handlers without SA_RESTART, so a
/// blocked read returns EINTR and the retrieval ends with `operation aborted`.
@Suite(.serialized) struct AbortSignalTests {
    @Test(.timeLimit(.minutes(1))) func signalDuringAReadAborts() throws {
        let listener = try ScriptedListener { connection, _ in ScriptedListener.drain(connection) }
        let cancellation = Cancellation()
        let connection = try Connector(cancellation: cancellation)
            .connect(host: "127.0.0.1", port: listener.port, timeoutSeconds: 30)
        csupport_install_abort_handlers(cancellation.signalFlag)
        defer {
            csupport_restore_default_handlers()
        }
        let outcome = Self.startReading(connection.transport)
        Self.signalUntilDone([outcome])
        #expect(outcome.error == .aborted(.transfer))
        #expect(outcome.error?.explanation == "operation aborted")
        #expect(outcome.error?.exitStatus == .ioError)
        connection.transport.close()
        _ = listener.finish()
    }

    /// The handlers set one session's cancellation: a read of another
    /// session, interrupted by the same signals, goes on waiting.
    @Test(.timeLimit(.minutes(1))) func aSignalStopsOnlyTheSessionItIsFor() throws {
        let first = try ScriptedListener { connection, _ in ScriptedListener.drain(connection) }
        let second = try ScriptedListener { connection, _ in ScriptedListener.drain(connection) }
        let stopped = Cancellation(), other = Cancellation()
        let aborted = try Connector(cancellation: stopped)
            .connect(host: "127.0.0.1", port: first.port, timeoutSeconds: 30)
        let waiting = try Connector(cancellation: other)
            .connect(host: "127.0.0.1", port: second.port, timeoutSeconds: 1)
        csupport_install_abort_handlers(stopped.signalFlag)
        defer {
            csupport_restore_default_handlers()
        }
        let outcomes = [Self.startReading(aborted.transport), Self.startReading(waiting.transport)]
        Self.signalUntilDone(outcomes)
        #expect(outcomes[0].error == .aborted(.transfer))
        #expect(outcomes[1].error == .readTimedOut)
        #expect(stopped.isCancelled && !other.isCancelled)
        aborted.transport.close()
        waiting.transport.close()
        _ = first.finish()
        _ = second.finish()
    }

    /// Reads a line from `transport` in a thread of its own.
    private static func startReading(_ transport: SocketTransport) -> OutcomeBox {
        let outcome = OutcomeBox()
        let transport = UncheckedBox(transport)
        let reader = Thread {
            // Test runner threads come from libdispatch, which blocks
            // signals; the reader inherits that, unlike mpop's main thread.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            outcome.register()
            outcome.set(networkError { try readLine(transport.value) })
        }
        reader.start()
        return outcome
    }

    /// Sends SIGINT to every reader until each is done.
    private static func signalUntilDone(_ outcomes: [OutcomeBox]) {
        // The flag stays set once a signal has arrived, so repeating the
        // signal until the reader is done makes the outcome independent of
        // whether the first one came before or during poll.
        let threads = outcomes.map { $0.waitForThread() }
        while outcomes.contains(where: { !$0.isDone }) {
            for (thread, outcome) in zip(threads, outcomes) where !outcome.isDone {
                pthread_kill(thread, SIGINT)
            }
            usleep(50_000)
        }
    }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSCondition()
    private var thread: pthread_t?
    private var result: NetworkError??

    func set(_ error: NetworkError?) {
        lock.lock()
        result = .some(error)
        lock.unlock()
    }

    /// The reader registers its pthread before it blocks.
    func waitForThread() -> pthread_t {
        lock.lock()
        defer { lock.unlock() }
        while thread == nil { lock.wait() }
        return thread!
    }

    func register() {
        lock.lock()
        thread = pthread_self()
        lock.broadcast()
        lock.unlock()
    }

    var isDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return result != nil
    }

    var error: NetworkError? {
        lock.lock()
        defer { lock.unlock() }
        return result ?? nil
    }
}

/// Hands the transport to the reader thread; only that thread uses it until
/// it is done.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
