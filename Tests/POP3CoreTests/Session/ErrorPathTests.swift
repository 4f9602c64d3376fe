import Testing
import TestSupport
@testable import POP3Core

@Suite struct ErrorPathTests {
    static let statTwo = "--> STAT\n<-- +OK 2 58"

    @Test(arguments: [
        ("--> STAT\n<-- -ERR [SYS/TEMP] busy", "command STAT failed", POP3Core.ExitStatus.tempFail),
        ("--> STAT\n<-- +OK many", "invalid reply to command STAT", .protocolError),
        ("--> STAT\n<-- +OK 2 58\n--> LIST\n<-- -ERR no", "command LIST failed", .protocolError),
        ("--> STAT\n<-- +OK 2 58\n--> LIST\n<-- +OK\n<-- 1 43\n<-- .", "invalid reply to command LIST", .protocolError),
        ("--> STAT\n<-- +OK 1 5\n--> LIST\n<-- +OK\n<-- 1 5\n<-- .\n--> UIDL\n<-- +OK\n<-- 1 caf\u{e9}\n<-- .",
         "invalid reply to command UIDL", .protocolError),
        ("--> STAT\n<-- +OK 1 5\n--> LIST\n<-- +OK\n<-- 1 5", "POP3 server sent an empty reply", .protocolError),
        ("--> STAT\n<-! +OK 1", "POP3 server sent an invalid reply", .protocolError),
        ("--> STAT\n<-- OK 1 5", "POP3 server sent an invalid reply", .protocolError),
        ("--> STAT\n<-| 100000 9", "invalid reply to command STAT", .protocolError),
    ])
    func errorsBeforeRetrievalLeaveTheStoreAlone(tail: String, explanation: String, status: POP3Core.ExitStatus) {
        let harness = RetrievalHarness(login + "\n" + tail)
        // An endless line: the client gives up long before its end.
        harness.transport.allowsUnplayedSteps = tail.contains("<-|")
        let run = harness.run()
        #expect(run.error?.localizedExplanation == explanation)
        #expect(run.error.map(exitStatus(for:)) == status)
        #expect(run.store.saves == 0)
        #expect(run.transport.closed)
        #expect(!run.transport.sentLines.contains("QUIT"))
    }

    @Test func failedQuitAfterDeletionKeepsEverythingRemembered() {
        let script = login + "\n" + twoMessages + "\n--> RETR 1\n" + firstMessage + "\n--> RETR 2\n" + secondMessage
            + "\n--> DELE 1\n<-- +OK\n--> DELE 2\n<-- +OK\n--> QUIT\n<-- -ERR [SYS/PERM] could not delete"
        let run = RetrievalHarness(script).run()
        #expect(run.error?.localizedExplanation == "command QUIT failed")
        #expect(run.error.map(exitStatus(for:)) == .protocolError)
        #expect(run.store.stored() == ["1.msg", "2.msg"])
    }

    @Test func abortBetweenPhasesIsTemporaryAndSavesNothing() {
        let transport = ScriptedTransport("<-- +OK\n--> CAPA\n<-- -ERR")
        let cancelled = Cancellation()
        cancelled.cancel()
        let session = makeSession(testAccount(), transport, cancellation: cancelled)
        let store = MemoryStore()
        let retrieval = Retrieval(session: session, openStore: { store }, makeSink: { MemorySink() }, filter: nil,
                                  observer: nil, receivedHeader: nil)
        #expect(throws: POP3Error.aborted(betweenPhases: true)) { try retrieval.run() }
        #expect(POP3Error.aborted(betweenPhases: true).exitStatus == .tempFail)
        #expect(store.saves == 0)
    }

    @Test func everyChunkSizeGivesTheSameResult() {
        let script = login + "\n" + twoMessages + "\n--> RETR 1\n" + firstMessage + "\n--> RETR 2\n" + secondMessage
            + "\n--> DELE 1\n<-- +OK\n--> DELE 2\n<-- +OK\n--> QUIT\n<-- +OK"
        for chunk in 1...64 {
            let run = RetrievalHarness(script, chunk: chunk).run()
            #expect(run.error == nil, "chunk \(chunk)")
            #expect(run.sink.committed.count == 2, "chunk \(chunk)")
            #expect(run.transport.finished, "chunk \(chunk)")
        }
    }

    @Test func endlessMailLineStreamsInBoundedPieces() {
        let script = login + """

        \(Transcript.oneMessageListed(size: 20_000_000, uid: "big"))
        --> RETR 1
        <-- +OK
        <-| 20000000 z
        <--
        <-- .
        \(Transcript.deleteFirstAndQuit)
        """
        let harness = RetrievalHarness(script, chunk: 1 << 20)
        harness.run()
        #expect(harness.error == nil)
        #expect(harness.sink.committed.first?.first?.utf8.count == 20_000_000)
    }

    @Test func envelopeHeaderBufferIsBounded() {
        // A header without end: the sender search gives up at the bound and
        // delivery goes on.
        let script = login + """

        \(Transcript.oneMessageListed(size: 3_000_000, uid: "big"))
        --> RETR 1
        <-- +OK
        <-- Return-Path: <x@y.z>
        <-| 3000000 h
        <--
        <-- .
        \(Transcript.deleteFirstAndQuit)
        """
        let harness = RetrievalHarness(script, chunk: 1 << 20)
        harness.sink.needsEnvelopeFrom = true
        harness.run()
        #expect(harness.error == nil)
        #expect(harness.sink.envelopes == ["x@y.z"])
        #expect(harness.sink.committed.first?.count == 2)
    }

    /// A retrieval is one run: a second is the caller's bug.
    @Test func aRetrievalRunsOnce() async {
        await #expect(processExitsWith: .failure) {
            let session = makeSession(testAccount(), ScriptedTransport("!! eof"))
            let retrieval = Retrieval(session: session, openStore: { MemoryStore() }, makeSink: { MemorySink() },
                                      filter: nil, observer: nil, receivedHeader: nil)
            try? retrieval.run()
            try? retrieval.run()
        }
    }
}

@Suite struct ThroughputTests {
    /// 200,000 lines with dot-stuffing: exercises the per-line hot path.
    @Test func manyLines() throws {
        var body: [UInt8] = []
        body.reserveCapacity(17_000_000)
        body += Array("+OK\r\nSubject: big\r\n\r\n".utf8)
        let line = Array("The quick brown fox jumps over the lazy dog, again and again and again!!\r\n".utf8)
        let dotted = Array("..leading dot line\r\n".utf8)
        for i in 0..<200_000 { body += i % 10 == 0 ? dotted : line }
        body += Array(".\r\n".utf8)
        let reader = LineReader(transport: ScriptedTransport(serverBytes: body, chunkSize: 1 << 16))
        _ = try reader.readLine()
        var lines = 0
        var bytes = 0
        try MultilineReader.readData(from: reader) { piece in
            bytes += piece.bytes.count
            if piece.endsLine { lines += 1 }
        }
        #expect(lines == 200_002)
        #expect(bytes == "Subject: big".utf8.count + 180_000 * (line.count - 2) + 20_000 * (dotted.count - 3))
    }
}
