import Testing
import TestSupport
@testable import POP3Core

@Suite struct AuthenticationTests {
    static let capaNoPipelining = """
    --> CAPA
    <-- +OK
    <-- USER
    <-- SASL PLAIN CRAM-MD5 SCRAM-SHA-256 XOAUTH2 OAUTHBEARER EXTERNAL DIGEST-MD5
    <-- .
    """

    @Test func apopDigestIsSentAndMaskedInDebug() throws {
        let script = """
        <-- +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
        --> CAPA
        <-- -ERR
        --> APOP mrose c4c9334bac560ecc979e58001b3e22fb
        <-- +OK maildrop has 1 message
        --> QUIT
        <-- +OK
        """
        let account = testAccount {
            $0.user = "mrose"
            $0.password = Secret("tanstaaf")
            $0.auth = "APOP"
        }
        let dialogue = RecordingDialogue()
        let session = makeSession(account, ScriptedTransport(script), dialogue: dialogue)
        try session.runAuthOnly()
        #expect(dialogue.lines.contains("--> APOP mrose ********"))
        #expect(!dialogue.lines.contains { $0.contains("c4c9334b") })
    }

    @Test func apopWithoutTimestampIsNotOffered() {
        let script = "<-- +OK Dovecot ready. <1a1c.4.6b023e8d.wkZ55PhCSh7DEYUc0pkGjA==@vm>\n--> CAPA\n<-- -ERR"
        let error = failure(script, account: testAccount { $0.auth = "APOP" }) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "POP3 server does not support authentication method APOP")
        #expect(error.map(exitStatus(for:)) == .unavailable)
    }

    @Test func automaticSelectionWithoutTLSNeedsSCRAM() {
        let script = "<-- +OK\n" + Self.capaNoPipelining
        let error = failure(script, account: testAccount { $0.auth = "" }, sasl: FakeSASLProvider(["PLAIN"])) {
            try $0.runAuthOnly()
        }
        #expect(error?.localizedExplanation == "cannot use a secure authentication method")
    }

    @Test func automaticSelectionOrder() throws {
        let selector = AuthMethodSelector(saslProvider: FakeSASLProvider(["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "CRAM-MD5"]))
        var caps = Capabilities()
        caps.absorb(line: Array("SASL CRAM-MD5 SCRAM-SHA-1 PLAIN".utf8))
        #expect(try selector.choose(configured: "", capabilities: caps, tlsActive: false) == "SCRAM-SHA-1")
        // mpop 1.4.19's order: SCRAM before PLAIN (1.4.18 chose PLAIN).
        #expect(try selector.choose(configured: "", capabilities: caps, tlsActive: true) == "SCRAM-SHA-1")
        caps.apop = true
        var noPlain = Capabilities()
        noPlain.apop = true
        #expect(try selector.choose(configured: "", capabilities: noPlain, tlsActive: true) == "APOP")
        #expect(try selector.choose(configured: "", capabilities: Capabilities(), tlsActive: true) == "USER")
        #expect(throws: POP3Error.saslMechanismUnsupported("DIGEST-MD5")) {
            var digest = Capabilities()
            digest.absorb(line: Array("SASL DIGEST-MD5".utf8))
            _ = try selector.choose(configured: "DIGEST-MD5", capabilities: digest, tlsActive: true)
        }
        #expect(throws: POP3Error.authMethodNotOffered("NTLM")) {
            _ = try selector.choose(configured: "NTLM", capabilities: caps, tlsActive: true)
        }
    }

    @Test func saslExchangeAnswersEveryContinuation() throws {
        let script = """
        <-- +OK
        \(Self.capaNoPipelining)
        --> AUTH CRAM-MD5
        <-- + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
        --> dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw
        <-- +OK
        --> QUIT
        <-- +OK
        """
        let provider = FakeSASLProvider(["CRAM-MD5"], answers: ["", "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"])
        let session = makeSession(testAccount { $0.auth = "CRAM-MD5" }, ScriptedTransport(script), sasl: provider)
        try session.runAuthOnly()
        #expect(provider.lastClient?.challenges == [nil, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"])
        #expect(provider.lastProperties?.hostname == "pop.example.org")
        #expect(provider.lastProperties?.authzid == nil)
    }

    /// An empty first message goes as the initial response `=` (RFC 5034 §4).
    @Test func externalWithEmptyAnswerIsTheInitialResponseEquals() throws {
        let script = """
        <-- +OK
        \(Self.capaNoPipelining)
        --> AUTH EXTERNAL =
        <-- +OK
        --> QUIT
        <-- +OK
        """
        let provider = FakeSASLProvider(["EXTERNAL"], answers: [""])
        let account = testAccount {
            $0.auth = "EXTERNAL"
            $0.password = nil
        }
        let session = makeSession(account, ScriptedTransport(script), sasl: provider)
        try session.runAuthOnly()
        #expect(provider.lastProperties?.authzid == "joe")
    }

    @Test func digestMD5SendsTheExtraEmptyLine() throws {
        let script = """
        <-- +OK
        \(Self.capaNoPipelining)
        --> AUTH DIGEST-MD5
        <-- + bm9uY2U=
        --> cmVzcG9uc2U=
        <-- + cnNwYXV0aD0x
        -->
        <-- +OK
        --> QUIT
        <-- +OK
        """
        let provider = FakeSASLProvider(["DIGEST-MD5"], answers: ["", "cmVzcG9uc2U=", ""])
        try makeSession(testAccount { $0.auth = "DIGEST-MD5" }, ScriptedTransport(script), sasl: provider).runAuthOnly()
    }

    /// A refused `AUTH` without an initial response refuses the mechanism:
    /// as in mpop, no server message line.
    @Test func saslRefusalHasNoServerMessageLine() {
        let script = "<-- +OK\n\(Self.capaNoPipelining)\n--> AUTH CRAM-MD5\n<-- -ERR no"
        let error = failure(script, account: testAccount { $0.auth = "CRAM-MD5" },
                            sasl: FakeSASLProvider(["CRAM-MD5"], answers: [""])) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method CRAM-MD5)")
        #expect((error as? POP3Error)?.serverMessage == nil)
        #expect(error.map(exitStatus(for:)) == .noPermission)
    }

    /// A refused `AUTH` with an initial response may refuse the password:
    /// the server's words are shown, as after any other final refusal.
    @Test func refusedInitialResponseShowsTheServerMessage() {
        let script = "<-- +OK\n\(Self.capaNoPipelining)\n--> AUTH PLAIN AGpvZQBwdw==\n<-- -ERR [AUTH] no"
        let error = failure(script, account: testAccount { $0.auth = "PLAIN" },
                            sasl: FakeSASLProvider(["PLAIN"], answers: ["AGpvZQBwdw=="])) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method PLAIN)")
        #expect((error as? POP3Error)?.serverMessage == "-ERR [AUTH] no")
        #expect(error.map(exitStatus(for:)) == .noPermission)
    }

    /// RFC 5034 §4: an initial response that would make the line longer
    /// than 255 octets waits for the first `+`.
    @Test func longInitialResponseWaitsForTheContinuation() throws {
        let long = String(repeating: "QUFB", count: 70)
        let script = """
        <-- +OK
        \(Self.capaNoPipelining)
        --> AUTH PLAIN
        <-- +
        --> \(long)
        <-- +OK
        --> QUIT
        <-- +OK
        """
        try makeSession(testAccount { $0.auth = "PLAIN" }, ScriptedTransport(script),
                        sasl: FakeSASLProvider(["PLAIN"], answers: [long])).runAuthOnly()
    }

    @Test func xoauth2TwoLineForm() throws {
        let token = Base64.encode(Array("user=joe\u{1}auth=Bearer tok\u{1}\u{1}".utf8))
        let script = """
        <-- +OK
        \(Self.capaNoPipelining)
        --> AUTH XOAUTH2
        <-- +
        --> \(token)
        <-- + eyJzdGF0dXMiOiI0MDEifQ==
        -->
        <-- -ERR invalid token
        """
        let account = testAccount {
            $0.auth = "XOAUTH2"
            $0.password = Secret("tok")
        }
        let error = failure(script, account: account) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method XOAUTH2)")
        #expect((error as? POP3Error)?.serverMessage == "-ERR invalid token")
    }

    @Test func xoauth2WithoutContinuationIsAProtocolError() {
        let script = "<-- +OK\n\(Self.capaNoPipelining)\n--> AUTH XOAUTH2\n<-- -ERR nope"
        let error = failure(script, account: testAccount { $0.auth = "XOAUTH2" }) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "command AUTH XOAUTH2 failed")
        #expect(error.map(exitStatus(for:)) == .protocolError)
    }

    @Test func oauthBearerInitialResponse() throws {
        let payload = Base64.encode(Array(
            "n,a=joe,\u{1}host=pop.example.org\u{1}port=110\u{1}auth=Bearer tok\u{1}\u{1}".utf8))
        let script = """
        <-- +OK
        \(Self.capaNoPipelining)
        --> AUTH OAUTHBEARER \(payload)
        <-- +OK welcome
        --> QUIT
        <-- +OK
        """
        let account = testAccount {
            $0.auth = "OAUTHBEARER"
            $0.password = Secret("tok")
        }
        try makeSession(account, ScriptedTransport(script)).runAuthOnly()
    }

    @Test func missingPasswordAndUser() {
        let script = "<-- +OK\n--> CAPA\n<-- -ERR"
        let noPassword = failure(script, account: testAccount { $0.password = nil }) { try $0.runAuthOnly() }
        #expect(noPassword?.localizedExplanation == "authentication method USER needs a password")
        let noUser = failure(script, account: testAccount { $0.user = nil }) { try $0.runAuthOnly() }
        #expect(noUser?.localizedExplanation == "authentication method USER needs a user name")
    }

    @Test func passwordIsAskedOnlyWhenNeeded() throws {
        let script = "<-- +OK\n--> CAPA\n<-- -ERR\n--> USER joe\n<-- +OK\n--> PASS asked\n<-- +OK\n--> QUIT\n<-- +OK"
        var asked: [String] = []
        let session = POP3Session(account: testAccount { $0.password = nil }, transport: ScriptedTransport(script),
                                  tlsStarter: nil, saslProvider: nil,
                                  password: { method in asked.append(method); return Secret("asked") },
                                  serverIdentity: ServerIdentity(host: "pop.example.org"))
        try session.runAuthOnly()
        #expect(asked == ["USER"])
    }
}

extension Error {
    var localizedExplanation: String? { (self as? any ReportableError)?.explanation }
}

@Suite struct TemporaryAuthRefusalTests {
    @Test func saslRefusalWithInUseIsTemporary() {
        let script = "<-- +OK\n\(AuthenticationTests.capaNoPipelining)\n--> AUTH PLAIN AGpvZQBwdw==\n<-- -ERR [IN-USE] busy"
        let error = failure(script, account: testAccount { $0.auth = "PLAIN" },
                            sasl: FakeSASLProvider(["PLAIN"], answers: ["AGpvZQBwdw=="])) { try $0.runAuthOnly() }
        #expect(error.map(exitStatus(for:)) == .tempFail)
        #expect((error as? POP3Error)?.serverMessage == "-ERR [IN-USE] busy")
    }
}
