import CSupport
import Foundation
import POP3Core
import Testing

/// mpop installs SIGINT/SIGTERM/SIGHUP handlers without SA_RESTART, so a
/// blocked read returns EINTR and the retrieval ends with `operation aborted`.
@Suite(.serialized) struct AbortSignalTests {
    @Test(.timeLimit(.minutes(1))) func signalDuringAReadAborts() throws {
        let listener = try ScriptedListener { connection, _ in ScriptedListener.drain(connection) }
        let connection = try Connector().connect(host: "127.0.0.1", port: listener.port, timeoutSeconds: 30)
        csupport_install_abort_handlers()
        defer {
            csupport_restore_default_handlers()
            csupport_clear_abort()
        }
        let outcome = OutcomeBox()
        let transport = UncheckedBox(connection.transport)
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
        // The flag stays set once a signal has arrived, so repeating the
        // signal until the reader is done makes the outcome independent of
        // whether the first one came before or during poll.
        let thread = outcome.waitForThread()
        while !outcome.isDone {
            pthread_kill(thread, SIGINT)
            usleep(50_000)
        }
        #expect(outcome.error == .aborted(.transfer))
        #expect(outcome.error?.explanation == "operation aborted")
        #expect(outcome.error?.exitStatus == .ioError)
        connection.transport.close()
        _ = listener.finish()
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
