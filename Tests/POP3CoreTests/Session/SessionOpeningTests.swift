import Testing
import TestSupport
@testable import POP3Core

/// Runs `body` on a session over `transcript`, once per chunk size, and
/// checks that the whole script was played.
func replay(_ transcript: String, account: Account, chunks: [Int] = [.max, 1, 7],
            sasl: (any SASLProvider)? = nil, _ body: (POP3Session) throws -> Void) throws {
    for chunk in chunks {
        let transport = ScriptedTransport(transcript, chunkSize: chunk)
        let session = makeSession(account, transport, sasl: sasl)
        try body(session)
        #expect(transport.finished, "script not finished with chunk size \(chunk)")
    }
}

/// The error `body` throws on a session over `transcript`.
func failure(_ transcript: String, account: Account, sasl: (any SASLProvider)? = nil,
             _ body: (POP3Session) throws -> Void) -> (any Error)? {
    let transport = ScriptedTransport(transcript)
    // An endless line: the client gives up long before its end.
    transport.allowsUnplayedSteps = transcript.contains("<-| ")
    let session = makeSession(account, transport, sasl: sasl)
    do {
        try body(session)
        return nil
    } catch {
        return error
    }
}

@Suite struct SessionOpeningTests {
    @Test func authOnlyWithUserPass() throws {
        let script = """
        <-- +OK mpopd ready.
        --> CAPA
        <-- +OK
        <-- USER
        <-- UIDL
        <-- .
        \(Transcript.userLogin)
        --> QUIT
        <-- +OK
        """
        try replay(script, account: testAccount()) { session in
            try session.runAuthOnly()
            #expect(session.authenticatedMethod == "USER")
            #expect(!session.pipelining)
            #expect(session.state.state == .closed(session.greeting, method: "USER"))
        }
    }

    @Test func userAndPassArePipelinedWhenOffered() throws {
        let script = """
        <-- +OK ready
        --> CAPA
        <-- +OK
        <-- PIPELINING
        <-- .
        --> USER joe
        --> PASS pw
        <-- -ERR [AUTH] no such user
        <-- -ERR [AUTH] bad password
        """
        let error = failure(script, account: testAccount()) { try $0.runAuthOnly() } as? POP3Error
        #expect(error?.explanation == "authentication failed (method USER)")
        #expect(error?.serverMessage == "-ERR [AUTH] no such user")
        #expect(error?.exitStatus == .noPermission)
    }

    @Test func inUseAtLoginIsTemporary() {
        let script = """
        <-- +OK ready
        --> CAPA
        <-- -ERR
        --> USER joe
        <-- +OK
        --> PASS pw
        <-- -ERR [IN-USE] mailbox locked
        """
        let error = failure(script, account: testAccount()) { try $0.runAuthOnly() }
        #expect(error.map(exitStatus(for:)) == .tempFail)
    }

    @Test func noCapaMeansNoPipeliningAndStillUser() throws {
        let script = """
        <-- +OK
        --> CAPA
        <-- -ERR unknown command
        \(Transcript.userLogin)
        --> QUIT
        <-- +OK
        """
        try replay(script, account: testAccount { $0.pipelining = .auto }) { session in
            try session.runAuthOnly()
            #expect(!session.capabilities.capa)
            #expect(session.greeting?.displayText == "")
        }
    }

    @Test func stlsThenCapaAgain() throws {
        let script = """
        <-- +OK ready
        --> CAPA
        <-- +OK
        <-- STLS
        <-- USER
        <-- .
        --> STLS
        <-- +OK Begin TLS negotiation now.
        --> CAPA
        <-- +OK
        <-- USER
        <-- PIPELINING
        <-- SASL PLAIN
        <-- .
        --> AUTH PLAIN AGpvZQBwdw==
        <-- +OK Logged in.
        --> QUIT
        <-- +OK
        """
        let account = testAccount {
            $0.tls = true
            $0.auth = ""
        }
        try replay(script, account: account, sasl: FakeSASLProvider(["PLAIN"], answers: ["AGpvZQBwdw=="])) { session in
            try session.runAuthOnly()
            #expect(session.authenticatedMethod == "PLAIN")
            #expect(session.tlsTransport != nil)
            // Pipelining was decided by the first CAPA (auto), as in mpop.
            #expect(!session.pipelining)
        }
    }

    @Test func noSTLSWithTLSConfiguredIsUnavailable() {
        let script = """
        <-- +OK ready
        --> CAPA
        <-- +OK
        <-- USER
        <-- .
        """
        let error = failure(script, account: testAccount { $0.tls = true }) { try $0.runAuthOnly() }
        #expect((error as? POP3Error) == .stlsNotOffered)
        #expect(error.map(exitStatus(for:)) == .unavailable)
    }

    @Test func dataAfterSTLSOKIsRefused() {
        let script = """
        <-- +OK ready
        --> CAPA
        <-- +OK
        <-- STLS
        <-- .
        --> STLS
        <-- +OK
        <-- +OK injected
        """
        let error = failure(script, account: testAccount { $0.tls = true }) { try $0.runAuthOnly() } as? POP3Error
        #expect(error == .commandFailed(command: "STLS", reply: nil))
        #expect(error?.explanation == "command STLS failed")
        #expect(error?.serverMessage == nil)
        #expect(error?.exitStatus == .protocolError)
    }

    @Test func refusedSTLSFails() {
        let script = """
        <-- +OK
        --> CAPA
        <-- -ERR
        --> STLS
        <-- -ERR
        """
        let error = failure(script, account: testAccount { $0.tls = true }) { try $0.runAuthOnly() } as? POP3Error
        #expect(error?.explanation == "command STLS failed")
        #expect(error?.serverMessage == "-ERR")
    }

    @Test func badGreetings() {
        for script in ["<-- -ERR go away", "!! eof", "<-- * OK imap", "<-| 70000 x"] {
            let error = failure(script, account: testAccount()) { try $0.runAuthOnly() } as? POP3Error
            #expect(error?.explanation == "cannot get initial OK message from POP3 server" || error == .emptyReply,
                    "\(script): \(String(describing: error))")
            #expect(error?.exitStatus == .protocolError)
        }
    }

    @Test func capaLimitIsEnforced() {
        let script = "<-- +OK\n--> CAPA\n<-- +OK\n" + (0..<60).map { "<-- X-\($0)" }.joined(separator: "\n")
        let error = failure(script, account: testAccount()) { try $0.runAuthOnly() } as? POP3Error
        #expect(error?.explanation == "invalid reply to command CAPA")
    }

    @Test func popsStartsTLSBeforeTheGreeting() throws {
        let script = """
        <-- +OK ready
        --> CAPA
        <-- +OK
        <-- SASL PLAIN
        <-- .
        \(Transcript.userLogin)
        --> QUIT
        <-- +OK
        """
        let tls = FakeTLSStarter()
        let account = testAccount {
            $0.tls = true
            $0.tlsStartTLS = false
            $0.tlsHostOverride = "mail.example.org"
        }
        let transport = ScriptedTransport(script)
        let session = makeSession(account, transport, tls: tls)
        try session.runAuthOnly()
        #expect(tls.settings.first?.serverName == "mail.example.org")
        #expect(session.state.tlsActive)
    }
}
