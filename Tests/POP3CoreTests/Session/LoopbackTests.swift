import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// The engine over real sockets: against scripted servers, mpopd, dovecot,
/// and side by side with the reference mpop on the same script.
@Suite struct LoopbackTests {
    static let retrievalScript = """
    <-- +OK scripted ready <1.2@example.org>
    \(pipelinedLogin)
    \(twoMessages)
    --> RETR 1
    --> RETR 2
    \(firstMessage)
    \(secondMessage)
    \(bothDeletedPipelined)
    --> QUIT
    <-- +OK bye
    """

    @Test func referenceMpopAndOursSendTheSameCommands() throws {
        // The reference first.
        let home = try TemporaryDirectory(prefix: "mpop-engine-diff")
        let reference = try ScriptedServer(Self.retrievalScript)
        let rc = try referenceConfiguration(in: home, port: reference.port)
        let result = try MpopBinary.reference.run(["-C", rc, "-q"], home: home.path)
        #expect(reference.finish() == [], "\(result)")
        #expect(result.status == 0, "\(result)")

        // Then ours, on the same script.
        let ours = try ScriptedServer(Self.retrievalScript)
        var account = testAccount()
        account.host = "127.0.0.1"
        account.port = ours.port
        let session = try loopbackSession(account, port: ours.port)
        let store = MemoryStore()
        let sink = MemorySink()
        try Retrieval(session: session, openStore: { store }, makeSink: { sink }, filter: nil, observer: nil,
                      receivedHeader: nil).run()
        #expect(ours.finish() == [])
        #expect(ours.receivedLines == reference.receivedLines)
        #expect(sink.committed.count == 2)
        #expect(store.stored(host: "127.0.0.1") == [])
    }

    @Test func retrievesFromMpopd() throws {
        let server = try MpopdServer()
        defer { server.stop() }
        _ = try server.mailbox.putMessages(sizes: [300, 70_000, 1200])
        var account = testAccount()
        account.host = "127.0.0.1"
        account.port = server.port
        account.user = server.user
        account.password = Secret(server.password)
        let session = try loopbackSession(account, port: server.port)
        let store = MemoryStore()
        let sink = MemorySink()
        let observer = RecordingObserver()
        try Retrieval(session: session, openStore: { store }, makeSink: { sink }, filter: nil, observer: observer,
                      receivedHeader: nil).run()
        #expect(sink.committed.count == 3)
        #expect(sink.committed[1].joined(separator: "\r\n").utf8.count >= 69_000)
        // mpopd removes the files after answering QUIT: wait for it.
        for _ in 0..<100 where !server.mailbox.messages.isEmpty { usleep(20_000) }
        #expect(server.mailbox.messages.isEmpty)
        #expect(observer.lines.filter { $0 == "done" }.count == 3)
    }

    @Test func authenticatesAtDovecotAndGathersServerInfo() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("alice", password: "wonderland")
        var account = testAccount()
        account.host = "127.0.0.1"
        account.port = dovecot.port
        account.user = "alice"
        account.password = Secret("wonderland")
        let session = try loopbackSession(account, port: dovecot.port)
        var info: ServerInfo?
        try session.runServerInfo { info = $0 }
        #expect(info?.authenticated == true)
        #expect(info?.capabilities.stls == true)
        #expect(info?.capabilities.saslMechanisms.contains("PLAIN") == true)
        // dovecot's timestamp has '=': refused, as mpop refuses it.
        #expect(info?.capabilities.apop == false)
        #expect(info?.identity.address == "127.0.0.1")

        account.password = Secret("wrong")
        let failing = try loopbackSession(account, port: dovecot.port)
        #expect(throws: POP3Error.self) { try failing.runAuthOnly() }
    }

    @Test func serverInfoIgnoresAWrongPassword() throws {
        let server = try ScriptedServer("""
        <-- +OK hi
        --> CAPA
        <-- -ERR
        --> USER joe
        <-- +OK
        --> PASS pw
        <-- -ERR [AUTH] nope
        --> QUIT
        <-- +OK
        """)
        let session = try loopbackSession(testAccount(), port: server.port)
        var info: ServerInfo?
        try session.runServerInfo { info = $0 }
        #expect(server.finish() == [])
        #expect(info?.authenticated == false)
        #expect(info?.capabilities.capa == false)
    }

    @Test func port995WithSTARTTLSFailsFastWithAHint() throws {
        let server = try ScriptedServer("!! stall 3\n!! eof")
        let account = testAccount {
            $0.tls = true
            $0.port = 995
        }
        let session = try loopbackSession(account, port: server.port, tlsStarter: FakeTLSStarter())
        session.greetingDeadline = 1
        do {
            try session.runAuthOnly()
            Issue.record("no error")
        } catch let error as POP3Error {
            #expect(error.explanation.hasPrefix("cannot get initial OK message from POP3 server ("))
            #expect(error.explanation.contains("tls_starttls off"))
            #expect(error.exitStatus == .protocolError)
        }
        _ = server.finish()
    }
}
