import Testing
import TestSupport
@testable import POP3Core

/// The observer events `--summary` counts with: a delivery is reported only
/// once its commit succeeded, deletions only once QUIT has confirmed them.
@Suite struct RetrievalCountingTests {
    final class CountingObserver: RetrievalObserver {
        var delivered: [(number: Int, size: Int64)] = []
        var deleted: [Int] = []
        func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64) {}
        func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) {}
        func retrievalStarted(number: Int, of count: Int, size: Int64) {}
        func retrievalProgress(percent: Int) {}
        func retrievalFinished() {}
        func retrievalAborted() {}
        func messageDelivered(number: Int, size: Int64) { delivered.append((number, size)) }
        func messagesDeleted(count: Int) { deleted.append(count) }
    }

    /// Runs `script` and returns what the observer saw, and the error.
    static func run(_ script: String, account: Account = testAccount(), known: [String] = [],
                    sink: MemorySink = MemorySink()) -> (CountingObserver, (any Error)?) {
        let observer = CountingObserver()
        let store = MemoryStore(known)
        let retrieval = Retrieval(session: makeSession(account, ScriptedTransport(script)), openStore: { store },
                                  makeSink: { sink }, filter: nil, observer: observer, receivedHeader: nil)
        do {
            try retrieval.run()
            return (observer, nil)
        } catch {
            return (observer, error)
        }
    }

    @Test func deliveriesAndDeletionsAreReportedWithTheirSizes() {
        let script = secondRetrievedBothDeleted
        // Message 1 is old: deleted without retrieval.
        let (observer, error) = Self.run(script, known: ["1.msg"])
        #expect(error == nil)
        #expect(observer.delivered.map(\.number) == [2] && observer.delivered.map(\.size) == [15])
        #expect(observer.deleted == [2])
    }

    @Test func keepDeletesNothing() {
        let script = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage + "\n--> QUIT"
        let (observer, error) = Self.run(script, account: testAccount { $0.keep = .on }, known: ["1.msg"])
        #expect(error == nil)
        #expect(observer.delivered.map(\.number) == [2])
        #expect(observer.deleted.isEmpty)
    }

    @Test func aFailedQuitReportsNoDeletion() {
        let script = bothRetrieved + "\n--> DELE 1\n<-- +OK\n--> DELE 2\n<-- +OK\n--> QUIT\n<-- -ERR [SYS/PERM] could not delete"
        let (observer, error) = Self.run(script)
        #expect(error != nil)
        #expect(observer.delivered.map(\.number) == [1, 2])
        #expect(observer.deleted.isEmpty)
    }

    @Test func aFailedDeliveryIsNotReported() {
        let sink = MemorySink()
        sink.failAfterLines = 2
        let (observer, error) = Self.run(login + "\n" + twoMessages + "\n--> RETR 1\n" + firstMessage, sink: sink)
        #expect(error != nil)
        #expect(observer.delivered.isEmpty && observer.deleted.isEmpty)
    }
}
