import Testing
import TestSupport
@testable import POP3Core

@Suite struct CancellationTests {
    @Test func eachValueIsItsOwn() {
        let first = Cancellation(), second = Cancellation()
        #expect(!first.isCancelled && !second.isCancelled)
        first.cancel()
        first.cancel()
        #expect(first.isCancelled && !second.isCancelled)
        #expect(!Cancellation.never.isCancelled)
    }

    /// A session stops at the next check once its value is set, and only
    /// that session.
    @Test func aSessionChecksItsOwnValue() throws {
        let stopped = Cancellation()
        stopped.cancel()
        let greeting = "<-- +OK\n--> CAPA\n<-- -ERR"
        let session = makeSession(testAccount(), ScriptedTransport(greeting), cancellation: stopped)
        #expect(throws: POP3Error.aborted(betweenPhases: true)) { try session.runAuthOnly() }
        let login = greeting + "\n--> USER joe\n<-- +OK\n--> PASS pw\n<-- +OK\n--> QUIT\n<-- +OK"
        try makeSession(testAccount(), ScriptedTransport(login), cancellation: Cancellation()).runAuthOnly()
    }
}
