import Testing
import TestSupport
@testable import POP3Core

@Suite struct PipeliningTests {
    @Test func windowArithmetic() throws {
        var log: [String] = []
        try PipelineWindow.pipelined.run(Array(1...150), send: { log.append("send \($0.first!)-\($0.last!)") },
                                         receive: { _ in }, afterBatch: { log.append("pause") })
        // The pause comes right after a refill is sent, and once at the end.
        #expect(log == ["send 1-100", "send 101-150", "pause", "pause"])
        var order: [String] = []
        try PipelineWindow.lockStep.run([1, 2], send: { order.append("send \($0)") },
                                        receive: { order.append("recv \($0)") })
        #expect(order == ["send [1]", "recv 1", "send [2]", "recv 2"])
    }

    /// mpop with 150 messages: RETR 1–100 in one burst, 80 replies, RETR
    /// 101–150, the rest; the same for DELE.
    @Test func oneHundredFiftyMessages() throws {
        let n = 150
        var script = """
        <-- +OK ready
        --> CAPA
        <-- +OK
        <-- PIPELINING
        <-- UIDL
        <-- USER
        <-- .
        --> USER joe
        --> PASS pw
        <-- +OK
        <-- +OK
        --> STAT
        <-- +OK \(n) \(n * 10)
        --> LIST
        <-- +OK

        """
        for i in 1...n { script += "<-- \(i) 10\n" }
        script += "<-- .\n--> UIDL\n<-- +OK\n"
        for i in 1...n { script += "<-- \(i) u\(i)\n" }
        script += "<-- .\n"
        func burst(_ verb: String, _ range: ClosedRange<Int>) { for i in range { script += "--> \(verb) \(i)\n" } }
        func retrReplies(_ range: ClosedRange<Int>) {
            for i in range { script += "<-- +OK\n<-- Subject: \(i)\n<--\n<-- .\n" }
        }
        func deleReplies(_ range: ClosedRange<Int>) { for _ in range { script += "<-- +OK\n" } }
        burst("RETR", 1...100)
        retrReplies(1...80)
        burst("RETR", 101...150)
        retrReplies(81...150)
        burst("DELE", 1...100)
        deleReplies(1...80)
        burst("DELE", 101...150)
        deleReplies(81...150)
        script += "--> QUIT\n<-- +OK"
        let run = RetrievalHarness(script, account: testAccount { $0.pipelining = .auto }).run()
        #expect(run.error == nil)
        #expect(run.transport.finished)
        #expect(run.sink.committed.count == 150)
        #expect(run.store.journal.count == 150)
        // Durable once per window (80, then the last 70), and all before the first DELE.
        #expect(run.sink.syncs == 2)
        #expect(run.store.stored() == [])
    }
}
