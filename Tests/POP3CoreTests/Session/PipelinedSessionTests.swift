import Testing
import TestSupport
@testable import POP3Core

/// What goes out in one write once the server pipelines (RFC 2449 §6.6):
/// STAT, LIST and UIDL behind the login, the CAPA after STLS with a
/// configured method, QUIT behind the last DELEs, and no wait for QUIT
/// when nothing is to be deleted. Each test checks the writes, not only
/// the lines.
@Suite struct PipelinedSessionTests {
    static let capa = """
    --> CAPA
    <-- +OK
    <-- USER
    <-- UIDL
    <-- TOP
    <-- PIPELINING
    <-- SASL PLAIN SCRAM-SHA-256
    <-- .
    """

    /// The greeting, a CAPA with PIPELINING and UIDL, and STLS accepted.
    static let stlsOpening = """
    <-- +OK ready
    --> CAPA
    <-- +OK
    <-- UIDL
    <-- STLS
    <-- PIPELINING
    <-- .
    --> STLS
    <-- +OK go
    """

    /// The greeting, ``capa``, and USER and PASS with STAT, LIST and UIDL
    /// behind them, the login accepted (the three answers follow).
    static let pipelinedUserLogin = """
    <-- +OK ready
    \(capa)
    --> USER joe
    --> PASS pw
    --> STAT
    --> LIST
    --> UIDL
    <-- +OK
    <-- +OK logged in
    """

    static let replies = """
    <-- +OK 2 58
    <-- +OK
    <-- 1 43
    <-- 2 15
    <-- .
    <-- +OK
    <-- 1 1.msg
    <-- 2 2.msg
    <-- .
    """

    static func run(_ script: String, account: Account, known: [String] = [],
                    sasl: (any SASLProvider)? = nil) -> (ScriptedTransport, MemoryStore, (any Error)?) {
        let transport = ScriptedTransport(script)
        let store = MemoryStore(known)
        let sink = MemorySink()
        let session = makeSession(account, transport, sasl: sasl)
        let retrieval = Retrieval(session: session, openStore: { store }, makeSink: { sink }, filter: nil,
                                  observer: nil, receivedHeader: nil)
        do {
            try retrieval.run()
            return (transport, store, nil)
        } catch {
            return (transport, store, error)
        }
    }

    @Test func statListAndUidlGoWithUserAndPassAndQuitWithTheDeles() {
        let script = """
        \(Self.pipelinedUserLogin)
        \(Self.replies)
        --> RETR 1
        --> RETR 2
        \(firstMessage)
        \(secondMessage)
        --> DELE 1
        --> DELE 2
        --> QUIT
        <-- +OK
        <-- +OK
        <-- +OK bye
        """
        let (transport, store, error) = Self.run(script, account: testAccount { $0.auth = "USER" })
        #expect(error == nil)
        #expect(transport.finished)
        #expect(transport.writtenGroups == [
            ["CAPA"], ["USER joe", "PASS pw", "STAT", "LIST", "UIDL"], ["RETR 1", "RETR 2"],
            ["DELE 1", "DELE 2", "QUIT"],
        ])
        #expect(store.stored() == [])
    }

    /// The CAPA after STLS travels with the configured method; with `keep
    /// on` and nothing new, QUIT goes out and its answer is not awaited.
    @Test func capaAfterSTLSGoesWithTheLogin() {
        let script = """
        \(Self.stlsOpening)
        --> CAPA
        --> AUTH PLAIN AGpvZQBwdw==
        --> STAT
        --> LIST
        --> UIDL
        \(Self.capa.split(separator: "\n").dropFirst().joined(separator: "\n"))
        <-- +OK logged in
        \(Self.replies)
        --> QUIT
        """
        let account = testAccount {
            $0.tls = true
            $0.auth = "PLAIN"
            $0.keep = .on
        }
        let (transport, store, error) = Self.run(script, account: account, known: ["1.msg", "2.msg"],
                                                 sasl: FakeSASLProvider(["PLAIN"], answers: ["AGpvZQBwdw=="]))
        #expect(error == nil)
        #expect(transport.finished)
        #expect(transport.writtenGroups == [
            ["CAPA"], ["STLS"], ["CAPA", "AUTH PLAIN AGpvZQBwdw==", "STAT", "LIST", "UIDL"], ["QUIT"],
        ])
        #expect(transport.closed)
        #expect(store.stored() == ["1.msg", "2.msg"])
    }

    /// A configured method that the CAPA after STLS does not offer fails as
    /// before (69), once that answer is read.
    @Test func methodNotOfferedAfterSTLSIsStillRefused() {
        let script = """
        \(Self.stlsOpening)
        --> CAPA
        --> AUTH PLAIN AGpvZQBwdw==
        --> STAT
        --> LIST
        --> UIDL
        <-- +OK
        <-- SASL SCRAM-SHA-256
        <-- .
        <-- -ERR not offered
        """
        let account = testAccount {
            $0.tls = true
            $0.auth = "PLAIN"
        }
        let (transport, _, error) = Self.run(script, account: account,
                                             sasl: FakeSASLProvider(["PLAIN"], answers: ["AGpvZQBwdw=="]))
        #expect((error as? POP3Error) == .authMethodNotOffered("PLAIN"))
        #expect(error.map(exitStatus(for:)) == .unavailable)
        #expect(!transport.sentLines.contains("QUIT"))
    }

    /// The automatic choice sends STAT, LIST and UIDL behind SCRAM too; when
    /// SCRAM is refused, their refusals are read before PLAIN is tried.
    @Test func refusedSCRAMReadsTheRefusalsOfWhatWentBehindIt() {
        let script = """
        \(Self.stlsOpening)
        \(Self.capa)
        --> AUTH SCRAM-SHA-256 Zmlyc3Q=
        --> STAT
        --> LIST
        --> UIDL
        <-- -ERR [AUTH] Authentication failed.
        <-- -ERR Unknown command
        <-- -ERR Unknown command
        <-- -ERR Unknown command
        --> AUTH PLAIN Zmlyc3Q=
        --> STAT
        --> LIST
        --> UIDL
        <-- +OK logged in
        \(Self.replies)
        --> QUIT
        """
        let account = testAccount {
            $0.tls = true
            $0.auth = ""
            $0.keep = .on
        }
        let sasl = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        let (transport, _, error) = Self.run(script, account: account, known: ["1.msg", "2.msg"], sasl: sasl)
        #expect(error == nil)
        #expect(transport.finished)
    }

    /// A command refused in the middle of a group is that command's error.
    @Test func listRefusedInTheMiddleOfTheGroup() {
        let script = """
        \(Self.pipelinedUserLogin)
        <-- +OK 2 58
        <-- -ERR no listing today
        <-- +OK
        <-- 1 1.msg
        <-- 2 2.msg
        <-- .
        """
        let (transport, _, error) = Self.run(script, account: testAccount { $0.auth = "USER" })
        #expect(error?.localizedExplanation == "command LIST failed")
        #expect(error.map(exitStatus(for:)) == .protocolError)
        #expect(!transport.sentLines.contains("QUIT"))
    }

    /// When one DELE of the group is refused, QUIT already went with it:
    /// the server commits the other deletion, of a message delivered and
    /// synced; the refused one stays in the list, to be deleted next time.
    @Test func refusedDeleWithQuitBehindIt() {
        let script = """
        \(Self.pipelinedUserLogin)
        \(Self.replies)
        --> DELE 1
        --> DELE 2
        --> QUIT
        <-- -ERR [SYS/PERM] cannot
        <-- +OK
        <-- +OK bye
        """
        let (_, store, error) = Self.run(script, account: testAccount { $0.auth = "USER" }, known: ["1.msg", "2.msg"])
        #expect(error?.localizedExplanation == "command DELE 1 failed")
        #expect(error.map(exitStatus(for:)) == .protocolError)
        #expect(store.stored() == ["1.msg", "2.msg"])
    }

    /// An empty mailbox: LIST and UIDL went behind the login and are read;
    /// the list is emptied as without pipelining.
    @Test func emptyMailboxReadsTheAnswersThatWentAhead() {
        let script = """
        \(Self.pipelinedUserLogin)
        <-- +OK 0 0
        <-- +OK
        <-- .
        <-- +OK
        <-- .
        --> QUIT
        """
        let (transport, store, error) = Self.run(script, account: testAccount { $0.auth = "USER" }, known: ["old"])
        #expect(error == nil)
        #expect(transport.finished)
        #expect(store.stored() == [])
    }
}
