import Testing
import TestSupport
@testable import POP3Core

/// One retrieval over a transcript, with in-memory store, sink and observer.
final class RetrievalHarness {
    let transport: ScriptedTransport
    let store: MemoryStore
    let sink = MemorySink()
    let observer = RecordingObserver()
    let session: POP3Session
    let retrieval: Retrieval
    var error: (any Error)?

    init(_ script: String, account: Account = testAccount(), known: [String] = [], chunk: Int = .max,
         filter: (any HeaderFilterRunner)? = nil, abortAfterMessages: Int? = nil, received: Bool = false) {
        transport = ScriptedTransport(script, chunkSize: chunk)
        store = MemoryStore(known)
        let cancellation = Cancellation()
        if let limit = abortAfterMessages {
            // As a signal would, once that many messages have arrived.
            if limit <= 0 { cancellation.cancel() }
            observer.linesChanged = { lines in
                if lines.filter({ $0 == "done" }).count >= limit { cancellation.cancel() }
            }
        }
        session = makeSession(account, transport, cancellation: cancellation)
        let store = self.store
        let sink = self.sink
        let context = received ? ReceivedHeaderContext(localCanonicalName: "client.example.net", localUser: "alice",
                                                       now: { 0 }) : nil
        retrieval = Retrieval(session: session, openStore: { store }, makeSink: { sink }, filter: filter,
                              observer: observer, receivedHeader: context)
    }

    @discardableResult
    func run(statusOnly: Bool = false) -> Self {
        do {
            try retrieval.run(statusOnly: statusOnly)
        } catch {
            self.error = error
        }
        return self
    }
}

/// CAPA with USER, UIDL and TOP.
let capaWithTop = """
--> CAPA
<-- +OK
<-- USER
<-- UIDL
<-- TOP
<-- .
"""

/// The greeting, CAPA, USER and PASS, and CAPA again after the login.
let login = """
<-- +OK mpopd ready.
\(capaWithTop)
--> USER joe
<-- +OK
--> PASS pw
<-- +OK
\(capaWithTop)
"""

/// CAPA with USER, UIDL, TOP and PIPELINING, then USER and PASS pipelined
/// and accepted.
let pipelinedLogin = """
--> CAPA
<-- +OK
<-- USER
<-- UIDL
<-- TOP
<-- PIPELINING
<-- .
--> USER joe
--> *
<-- +OK
<-- +OK
"""

/// DELE of both messages, pipelined, both accepted.
let bothDeletedPipelined = """
--> DELE 1
--> DELE 2
<-- +OK
<-- +OK
"""

let twoMessages = """
--> STAT
<-- +OK 2 58
--> LIST
<-- +OK
<-- 1 43
<-- 2 15
<-- .
--> UIDL
<-- +OK
<-- 1 1.msg
<-- 2 2.msg
<-- .
"""

let firstMessage = """
<-- +OK
<-- Return-Path: <a@b.c>
<-- Subject: x
<--
<-- body
<-- ..dot
<-- .
"""

let secondMessage = """
<-- +OK
<-- Subject: y
<--
<-- b2
<-- .
"""

/// Both messages retrieved, and nothing after: for runs that end early.
let bothRetrieved = login + "\n" + twoMessages + "\n--> RETR 1\n" + firstMessage + "\n--> RETR 2\n" + secondMessage

/// Message 1 already known: only message 2 retrieved, both deleted, then QUIT.
let secondRetrievedBothDeleted = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage
    + "\n--> DELE 1\n<-- +OK\n--> DELE 2\n<-- +OK\n--> QUIT\n<-- +OK"

/// Both messages retrieved and deleted, then QUIT.
let bothRetrievedAndDeleted = bothRetrieved + "\n--> DELE 1\n<-- +OK\n--> DELE 2\n<-- +OK\n--> QUIT\n<-- +OK"

@Suite struct RetrievalTests {
    @Test func retrievesDeletesAndRecordsBeforeDeleting() throws {
        let script = bothRetrievedAndDeleted
        for chunk in [Int.max, 1, 5] {
            let run = RetrievalHarness(script, chunk: chunk).run()
            #expect(run.error == nil)
            #expect(run.transport.finished)
            #expect(run.sink.committed == [["Return-Path: <a@b.c>", "Subject: x", "", "body", ".dot"],
                                           ["Subject: y", "", "b2"]])
            #expect(run.sink.syncs == 1 && run.sink.closed)
            #expect(run.store.journal == ["1.msg", "2.msg"])
            #expect(run.store.stored() == [])
            #expect(run.store.saves == 1 && run.store.closed)
            #expect(run.observer.lines.first == "status joe@pop.example.org new 2/58 total 2/58")
        }
    }

    /// The marker's sync runs in the background; the first DELE waits for
    /// it. A power loss that took a marker whose sync had not finished
    /// must find every message of its batch still on the server.
    @Test func theRecordsAreOnDiskBeforeTheFirstDele() throws {
        let script = bothRetrievedAndDeleted
        let harness = RetrievalHarness(script)
        var sentBeforeWait: [String] = []
        harness.store.onWait = { sentBeforeWait = harness.transport.sentLines }
        harness.run()
        #expect(harness.error == nil && harness.transport.finished)
        #expect(harness.store.events == ["record 1.msg", "record 2.msg", "durable", "wait", "save"])
        #expect(sentBeforeWait.contains("RETR 2") && !sentBeforeWait.contains { $0.hasPrefix("DELE") })
    }

    @Test func oldMessagesAreDeletedWithoutRetrievalAndKeepSkipsDele() throws {
        let script = secondRetrievedBothDeleted
        let run = RetrievalHarness(script, known: ["1.msg"]).run()
        #expect(run.error == nil && run.transport.finished)
        #expect(run.observer.lines.first == "status joe@pop.example.org new 1/15 total 2/58")

        let keepScript = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage + "\n--> QUIT"
        let kept = RetrievalHarness(keepScript, account: testAccount { $0.keep = .on }, known: ["1.msg"]).run()
        #expect(kept.error == nil && kept.transport.finished)
        #expect(kept.store.stored() == ["1.msg", "2.msg"])
    }

    @Test func lateErrorSavesWhatWasDeliveredAndSkipsQuit() throws {
        let script = login + "\n" + twoMessages + """

        --> RETR 1
        \(firstMessage)
        --> RETR 2
        <-- -ERR [SYS/TEMP] cannot read
        """
        let run = RetrievalHarness(script).run()
        let error = run.error as? POP3Error
        #expect(error?.explanation == "command RETR 2 failed")
        #expect(error?.exitStatus == .tempFail)
        #expect(run.store.stored() == ["1.msg"])
        #expect(run.store.saves == 1)
        // Recorded at its commit, made durable before the save.
        #expect(run.store.events == ["record 1.msg", "durable", "save"])
        #expect(run.transport.closed)
        #expect(!run.transport.sentLines.contains("QUIT"))
    }

    /// A sync that fails removes the batch from the mailbox; its records
    /// are withdrawn, none of its UIDs is saved, nothing is deleted, and
    /// the late-error path does not count the batch a second time.
    @Test func aFailedSyncWithdrawsTheBatchAndDeletesNothing() {
        let script = bothRetrieved
        let harness = RetrievalHarness(script)
        harness.sink.failingSyncs = [1]
        harness.run()
        #expect(harness.error?.localizedExplanation == "cannot sync")
        #expect(harness.sink.committed.isEmpty)
        #expect(harness.store.journal.isEmpty)
        #expect(harness.store.stored() == [])
        #expect(harness.store.events == ["record 1.msg", "record 2.msg", "withdraw", "save"])
        #expect(harness.sink.events == ["commit", "commit", "sync failed"])
        #expect(!harness.transport.sentLines.contains { $0.hasPrefix("DELE") || $0 == "QUIT" })
    }

    @Test func prematureEndOfMessageIsAnError() {
        let script = login + "\n" + twoMessages + "\n--> RETR 1\n<-- +OK\n<-- Subject: x\n<--\n<-- partial\n!! eof"
        let run = RetrievalHarness(script).run()
        #expect((run.error as? POP3Error) == .emptyReply)
        #expect(run.sink.aborted == 1 && run.sink.committed.isEmpty)
        #expect(run.store.saves == 1 && run.store.stored() == [])
        #expect(run.observer.lines.last == "aborted")
    }

    @Test func deliveryFailureIsALateError() {
        let script = login + "\n" + twoMessages + "\n--> RETR 1\n" + firstMessage
        let harness = RetrievalHarness(script)
        harness.sink.failAfterLines = 2
        harness.run()
        #expect(harness.error?.localizedExplanation == "delivery broke")
        #expect(harness.sink.aborted == 1)
        #expect(harness.store.saves == 1)
    }

    @Test func failedDeleIsAProtocolError() {
        let script = login + "\n" + twoMessages + """

        --> RETR 1
        \(firstMessage)
        --> RETR 2
        \(secondMessage)
        --> DELE 1
        <-- -ERR cannot delete
        """
        let run = RetrievalHarness(script).run()
        #expect(run.error.map(exitStatus(for:)) == .protocolError)
        #expect((run.error as? POP3Error)?.serverMessage == "-ERR cannot delete")
        // Both were delivered: both stay remembered, so nothing comes twice.
        #expect(run.store.stored() == ["1.msg", "2.msg"])
    }

    @Test func emptyMailbox() {
        let script = login + "\n--> STAT\n<-- +OK 0 0\n--> QUIT"
        let run = RetrievalHarness(script, known: ["old"]).run()
        #expect(run.error == nil && run.transport.finished)
        #expect(run.store.stored() == [])
        #expect(run.observer.lines == ["status joe@pop.example.org new 0/0 total 0/0"])
        let kept = RetrievalHarness(script, account: testAccount { $0.keep = .on }, known: ["old"]).run()
        #expect(kept.store.stored() == ["old"])
    }

    @Test func statusOnlyReadsButDoesNotWrite() {
        let script = login + "\n" + twoMessages + "\n--> QUIT"
        let run = RetrievalHarness(script).run(statusOnly: true)
        #expect(run.error == nil && run.transport.finished)
        #expect(run.store.saves == 0 && run.store.closed)
    }

    @Test func sizeRules() {
        let script = login + "\n" + twoMessages + "\n--> DELE 1\n<-- +OK\n--> QUIT\n<-- +OK"
        let account = testAccount {
            $0.killSize = 43
            $0.skipSize = 15
        }
        let run = RetrievalHarness(script, account: account).run()
        #expect(run.error == nil && run.transport.finished)
        #expect(run.observer.lines.dropFirst() == ["delete 1/2 killsize", "skip 2/2 skipsize"])
        #expect(run.store.stored() == [])
    }

    @Test func headerFilterThroughTop() {
        let script = login + "\n" + twoMessages + """

        --> TOP 1 0
        <-- +OK
        <-- Subject: x
        <--
        <-- .
        --> TOP 2 0
        <-- +OK
        <-- Subject: y
        <--
        <-- .
        \(Transcript.deleteFirstAndQuit)
        """
        let filter = FakeFilter([.delete, .ignore])
        let run = RetrievalHarness(script, account: testAccount { $0.filter = "true" }, filter: filter).run()
        #expect(run.error == nil && run.transport.finished)
        #expect(filter.sizes == [43, 15])
        #expect(run.observer.lines.dropFirst() == ["delete 1/2 filter", "skip 2/2 filter"])
    }

    @Test func filterWithoutTopSendsQuitAndFails() {
        let noTop = login.replacingOccurrences(of: "<-- TOP\n", with: "")
        let script = noTop + "\n" + twoMessages + "\n--> QUIT\n<-- +OK"
        let run = RetrievalHarness(script, account: testAccount { $0.filter = "true" }, filter: FakeFilter([])).run()
        #expect((run.error as? POP3Error) == .topNotOffered)
        #expect(run.transport.finished)
        #expect(run.store.saves == 0)
    }

    @Test func noUIDLRemovesTheList() {
        let script = login + """

        --> STAT
        <-- +OK 1 15
        --> LIST
        <-- +OK
        <-- 1 15
        <-- .
        --> UIDL
        <-- -ERR not here
        --> RETR 1
        \(secondMessage)
        --> DELE 1
        <-- +OK
        --> QUIT
        <-- +OK
        """
        let run = RetrievalHarness(script, known: ["a"]).run()
        #expect(run.error == nil && run.transport.finished)
        #expect(run.store.stored() == [] && run.store.journal == [])
    }

    @Test func signalDuringRetrievalSavesAndDropsTheConnection() {
        let script = bothRetrieved
        let harness = RetrievalHarness(script, abortAfterMessages: 1)
        // The signal comes before the reply to RETR 2 is read.
        harness.transport.allowsUnplayedSteps = true
        let run = harness.run()
        #expect((run.error as? POP3Error) == .aborted(betweenPhases: false))
        #expect(run.error.map(exitStatus(for:)) == .software)
        #expect(run.store.stored() == ["1.msg"])
        #expect(!run.transport.sentLines.contains("QUIT"))
    }

    @Test func hugeStatFailsBounded() {
        let script = login + "\n--> STAT\n<-- +OK 1099511627776 5"
        let run = RetrievalHarness(script).run()
        #expect((run.error as? POP3Error) == .tooManyMessages)
    }

    @Test func progressFollowsMpopsArithmetic() {
        let script = bothRetrievedAndDeleted
        let run = RetrievalHarness(script).run()
        // Message 1 (43 bytes): lines 20+1, 10+1, 0+1, 4+1, then "..dot" counts 4-1+1.
        #expect(run.observer.lines.contains("start 1/2 43"))
        let first = Array(run.observer.lines.drop { $0 != "start 1/2 43" }.prefix { $0 != "done" })
        #expect(first == ["start 1/2 43", "48%", "74%", "76%", "88%", "97%"])
    }

    @Test func envelopeSenderAndReceivedHeader() {
        let script = bothRetrievedAndDeleted
        let harness = RetrievalHarness(script, received: true)
        harness.sink.needsEnvelopeFrom = true
        harness.run()
        #expect(harness.error == nil)
        #expect(harness.sink.envelopes == ["a@b.c", "MAILER-DAEMON"])
        #expect(harness.sink.committed.first?.count == 5)
        #expect(harness.sink.headers.first??.first == "Received: from pop.example.org")
        #expect(harness.sink.headers.first??[1] == "\tby client.example.net (mpop-1.4.18) with POP3")
    }
}
