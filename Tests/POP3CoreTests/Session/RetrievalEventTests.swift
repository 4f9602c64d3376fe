import Testing
import TestSupport
@testable import POP3Core

/// The per-message events the fetch log is written from
/// (``RetrievalObserver/messageEvent(_:)``), over scripted sessions.
@Suite struct RetrievalEventTests {
    final class EventObserver: RetrievalObserver {
        var events: [MessageEvent] = []
        func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64) {}
        func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) {}
        func retrievalStarted(number: Int, of count: Int, size: Int64) {}
        func retrievalProgress(percent: Int) {}
        func retrievalFinished() {}
        func retrievalAborted() {}
        func messageEvent(_ event: MessageEvent) { events.append(event) }
    }

    static func run(_ script: String, account: Account = testAccount(),
                    known: [String] = []) -> ([MessageEvent], (any Error)?) {
        let observer = EventObserver()
        let store = MemoryStore(known)
        let retrieval = Retrieval(session: makeSession(account, ScriptedTransport(script)), openStore: { store },
                                  makeSink: { MemorySink() }, filter: nil, observer: observer, receivedHeader: nil)
        do {
            try retrieval.run()
            return (observer.events, nil)
        } catch {
            return (observer.events, error)
        }
    }

    static func event(_ number: Int, _ outcome: MessageEvent.Outcome) -> MessageEvent {
        MessageEvent(number: number, uid: "\(number).msg", size: number == 1 ? 43 : 15, outcome: outcome)
    }

    @Test func aDeliveryThenItsDeletionAfterQuit() {
        // Message 1 is old: deleted, but neither delivered nor killed.
        let (events, error) = Self.run(secondRetrievedBothDeleted, known: ["1.msg"])
        #expect(error == nil)
        #expect(events == [Self.event(2, .delivered), Self.event(1, .deleted), Self.event(2, .deleted)])
    }

    @Test func killsizeAndSkipsizeAreReportedBeforeRetrieval() {
        let script = login + "\n" + twoMessages + "\n--> DELE 1\n<-- +OK\n--> QUIT\n<-- +OK"
        let (events, error) = Self.run(script, account: testAccount {
            $0.killSize = 40
            $0.skipSize = 10
        })
        #expect(error == nil)
        #expect(events == [Self.event(1, .killed(.killsize)), Self.event(2, .skipped(.skipsize)),
                           Self.event(1, .deleted)])
    }

    @Test func keepReportsTheDeliveredAsKept() {
        let script = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage + "\n--> QUIT"
        let (events, error) = Self.run(script, account: testAccount { $0.keep = .on }, known: ["1.msg"])
        #expect(error == nil)
        #expect(events == [Self.event(2, .delivered), Self.event(2, .kept)])
    }

    @Test func aFailedQuitReportsTheDeliveriesOnly() {
        let script = bothRetrieved + "\n--> DELE 1\n<-- +OK\n--> DELE 2\n<-- +OK\n--> QUIT\n<-- -ERR [SYS/PERM] no"
        let (events, error) = Self.run(script)
        #expect(error != nil)
        #expect(events == [Self.event(1, .delivered), Self.event(2, .delivered)])
    }
}
