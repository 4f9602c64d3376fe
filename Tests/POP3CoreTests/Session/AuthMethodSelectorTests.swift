import Testing
import TestSupport
@testable import POP3Core

/// The automatic choice: mpop 1.4.19's order (SCRAM first, -PLUS only with
/// channel binding at hand), ending in the method 1.4.18 would have used.
@Suite struct AuthMethodSelectorTests {
    static let everything: Set<String> = ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256",
                                          "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "NTLM"]

    static func capabilities(_ sasl: String, apop: Bool = false, user: Bool = true) -> Capabilities {
        var caps = Capabilities()
        caps.absorb(line: Array("SASL \(sasl)".utf8))
        caps.apop = apop
        caps.user = user
        return caps
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let offered: String
        let tls: Bool
        let binding: Bool
        let expected: [String]
        var testDescription: String { "\(offered) tls=\(tls) binding=\(binding)" }
    }

    static let cases: [Case] = [
        // cyrus after STLS
        Case(offered: "PLAIN LOGIN SCRAM-SHA-1-PLUS SCRAM-SHA-1 SCRAM-SHA-256-PLUS SCRAM-SHA-256", tls: true,
             binding: true, expected: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "PLAIN"]),
        Case(offered: "PLAIN LOGIN SCRAM-SHA-1-PLUS SCRAM-SHA-1 SCRAM-SHA-256-PLUS SCRAM-SHA-256", tls: true,
             binding: false, expected: ["SCRAM-SHA-256", "PLAIN"]),
        Case(offered: "SCRAM-SHA-1-PLUS SCRAM-SHA-1 PLAIN", tls: true, binding: true,
             expected: ["SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "PLAIN"]),
        // dovecot 2.3: no -PLUS
        Case(offered: "PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256", tls: true, binding: true,
             expected: ["SCRAM-SHA-256", "PLAIN"]),
        Case(offered: "PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256", tls: false, binding: false,
             expected: ["SCRAM-SHA-256"]),
        // 1.4.18 reads SCRAM-SHA-256 into SCRAM-SHA-256-PLUS (a substring):
        // so does the legacy part of the list, and the legacy choice follows.
        Case(offered: "SCRAM-SHA-256-PLUS", tls: true, binding: true,
             expected: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "USER"]),
        Case(offered: "SCRAM-SHA-256-PLUS", tls: true, binding: false, expected: ["SCRAM-SHA-256", "USER"]),
        // -PLUS must be a whole word.
        Case(offered: "SCRAM-SHA-256-PLUSX SCRAM-SHA-1", tls: true, binding: true,
             expected: ["SCRAM-SHA-256", "USER"]),
        // Without TLS, no -PLUS (no binding) and no fallback: 1.4.18's choice.
        Case(offered: "SCRAM-SHA-1-PLUS SCRAM-SHA-1 PLAIN", tls: false, binding: false, expected: ["SCRAM-SHA-1"]),
        // No SCRAM: exactly 1.4.18's choice.
        Case(offered: "CRAM-MD5 LOGIN", tls: true, binding: true, expected: ["USER"]),
        Case(offered: "PLAIN CRAM-MD5", tls: true, binding: true, expected: ["PLAIN"]),
    ]

    @Test(arguments: cases)
    func order(_ c: Case) throws {
        let selector = AuthMethodSelector(saslProvider: FakeSASLProvider(Self.everything))
        let methods = try selector.candidates(configured: "", capabilities: Self.capabilities(c.offered),
                                              tlsActive: c.tls, channelBinding: c.binding)
        #expect(methods == c.expected)
    }

    @Test func onlyWhatThisSideSupports() throws {
        let selector = AuthMethodSelector(saslProvider: FakeSASLProvider(["PLAIN", "SCRAM-SHA-1"]))
        let caps = Self.capabilities("SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1 PLAIN")
        #expect(try selector.candidates(configured: "", capabilities: caps, tlsActive: true, channelBinding: true)
            == ["SCRAM-SHA-1", "PLAIN"])
    }

    @Test func apopAndUserAsLegacyChoice() throws {
        let selector = AuthMethodSelector(saslProvider: FakeSASLProvider(Self.everything))
        let caps = Self.capabilities("SCRAM-SHA-256 CRAM-MD5", apop: true)
        #expect(try selector.candidates(configured: "", capabilities: caps, tlsActive: true, channelBinding: false)
            == ["SCRAM-SHA-256", "APOP"])
    }

    @Test func configuredMethodIsTheOnlyOne() throws {
        let selector = AuthMethodSelector(saslProvider: FakeSASLProvider(Self.everything))
        let caps = Self.capabilities("SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN")
        #expect(try selector.candidates(configured: "SCRAM-SHA-256-PLUS", capabilities: caps, tlsActive: true,
                                        channelBinding: false) == ["SCRAM-SHA-256-PLUS"])
        #expect(try selector.candidates(configured: "PLAIN", capabilities: caps, tlsActive: true,
                                        channelBinding: true) == ["PLAIN"])
    }

    @Test func nothingUsable() {
        let selector = AuthMethodSelector(saslProvider: FakeSASLProvider(Self.everything))
        #expect(throws: POP3Error.noSecureAuthMethod) {
            _ = try selector.candidates(configured: "", capabilities: Self.capabilities("PLAIN CRAM-MD5"),
                                        tlsActive: false, channelBinding: false)
        }
        #expect(throws: POP3Error.noUsableAuthMethod) {
            _ = try selector.candidates(configured: "", capabilities: Self.capabilities("GSSAPI", user: false),
                                        tlsActive: true, channelBinding: true)
        }
    }
}

/// The session side: channel binding of the right kind reaches only -PLUS,
/// and a refused SCRAM falls back to 1.4.18's choice on the same connection.
@Suite struct SCRAMFallbackTests {
    /// A failed login drops the connection without QUIT: `quit` false.
    static func script(sasl: String, exchange: String, quit: Bool = true) -> String {
        let opening = """
            <-- +OK ready
            --> CAPA
            <-- +OK
            <-- STLS
            <-- .
            --> STLS
            <-- +OK Begin TLS negotiation now.
            --> CAPA
            <-- +OK
            <-- USER
            <-- SASL \(sasl)
            <-- .
            """
        return [opening, exchange, quit ? "--> QUIT\n<-- +OK" : ""].filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static let automaticWithTLS = testAccount {
        $0.tls = true
        $0.auth = ""
    }

    @Test(arguments: [("TLS1.3", ChannelBindingKind.tlsExporter), ("TLS1.2", .tlsUnique)])
    func plusGetsTheBindingOfTheTLSVersion(version: String, kind: ChannelBindingKind) throws {
        let script = Self.script(sasl: "SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH SCRAM-SHA-256-PLUS Zmlyc3Q=
            <-- +OK Logged in.
            """)
        let tls = FakeTLSStarter(version: version, bindings: [.tlsExporter: [1, 2, 3], .tlsUnique: [4, 5]])
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        let session = makeSession(Self.automaticWithTLS, ScriptedTransport(script), sasl: provider, tls: tls)
        try session.runAuthOnly()
        #expect(session.authenticatedMethod == "SCRAM-SHA-256-PLUS")
        let binding = try #require(provider.started.first?.properties.channelBinding)
        #expect(binding.kind == kind)
        #expect(binding.data == (kind == .tlsExporter ? [1, 2, 3] : [4, 5]))
    }

    /// GnuTLS gives no tls-unique on TLS 1.3: no -PLUS then, and plain SCRAM
    /// never gets binding data (GNU SASL's plain SCRAM fails with it).
    @Test func noBindingOfTheRightKindMeansNoPlus() throws {
        let script = Self.script(sasl: "SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH SCRAM-SHA-256 Zmlyc3Q=
            <-- +OK Logged in.
            """)
        let tls = FakeTLSStarter(version: "TLS1.3", bindings: [.tlsUnique: [4, 5]])
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        let session = makeSession(Self.automaticWithTLS, ScriptedTransport(script), sasl: provider, tls: tls)
        try session.runAuthOnly()
        #expect(session.authenticatedMethod == "SCRAM-SHA-256")
        #expect(provider.started.count == 1)
        #expect(provider.started[0].properties.channelBinding == nil)
    }

    /// cyrus on TLS 1.3 refuses tls-exporter; dovecot refuses SCRAM for a
    /// user whose stored hash cannot do it. 1.4.18's PLAIN still logs in.
    @Test func refusedSCRAMFallsBackToTheLegacyChoice() throws {
        let script = Self.script(sasl: "SCRAM-SHA-256-PLUS SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH SCRAM-SHA-256-PLUS Zmlyc3Q=
            <-- -ERR [AUTH] authenticating: bad protocol / cancel
            --> AUTH SCRAM-SHA-256 Zmlyc3Q=
            <-- -ERR [AUTH] Authentication failed.
            --> AUTH PLAIN Zmlyc3Q=
            <-- +OK Logged in.
            """)
        let tls = FakeTLSStarter(bindings: [.tlsExporter: [1]])
        var asked: [String] = []
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        var account = Self.automaticWithTLS
        account.password = nil
        let session = makeSession(account, ScriptedTransport(script), sasl: provider, tls: tls,
                                  password: { method in asked.append(method); return Secret("pw") })
        try session.runAuthOnly()
        #expect(session.authenticatedMethod == "PLAIN")
        #expect(provider.started.map(\.mechanism) == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "PLAIN"])
        #expect(asked == ["SCRAM-SHA-256-PLUS"])
    }

    /// A wrong password: the last method's failure is the one reported, as
    /// 1.4.18 reports it.
    @Test func wrongPasswordReportsTheLegacyMethodsFailure() {
        let script = Self.script(sasl: "SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH SCRAM-SHA-256 Zmlyc3Q=
            <-- -ERR [AUTH] Authentication failed.
            --> AUTH PLAIN Zmlyc3Q=
            <-- -ERR [AUTH] Authentication failed.
            """, quit: false)
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        let error = failure(script, account: Self.automaticWithTLS, sasl: provider) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method PLAIN)")
        #expect((error as? POP3Error)?.serverMessage == "-ERR [AUTH] Authentication failed.")
        #expect(error.map(exitStatus(for:)) == .noPermission)
    }

    @Test func temporaryRefusalDoesNotFallBack() {
        let script = Self.script(sasl: "SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH SCRAM-SHA-256 Zmlyc3Q=
            <-- -ERR [SYS/TEMP] try later
            """, quit: false)
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        let error = failure(script, account: Self.automaticWithTLS, sasl: provider) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method SCRAM-SHA-256)")
        #expect(error.map(exitStatus(for:)) == .tempFail)
        #expect(provider.started.count == 1)
    }

    /// Nothing was sent for a mechanism the library could not start.
    @Test func mechanismThatCannotStartFallsBack() throws {
        let script = Self.script(sasl: "SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH PLAIN Zmlyc3Q=
            <-- +OK Logged in.
            """)
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="],
                                        failingToStart: ["SCRAM-SHA-256"])
        let session = makeSession(Self.automaticWithTLS, ScriptedTransport(script), sasl: provider)
        try session.runAuthOnly()
        #expect(session.authenticatedMethod == "PLAIN")
    }

    @Test func configuredPlusWithoutBindingIsRefused() {
        let script = Self.script(sasl: "SCRAM-SHA-256-PLUS PLAIN", exchange: "", quit: false)
        let account = testAccount {
            $0.tls = true
            $0.auth = "SCRAM-SHA-256-PLUS"
        }
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything)
        let error = failure(script, account: account, sasl: provider) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation
            == "authentication method SCRAM-SHA-256-PLUS needs TLS channel binding information")
        #expect(error.map(exitStatus(for:)) == .unavailable)
    }

    @Test func configuredMethodNeverFallsBack() {
        let script = Self.script(sasl: "SCRAM-SHA-256 PLAIN", exchange: """
            --> AUTH SCRAM-SHA-256 Zmlyc3Q=
            <-- -ERR [AUTH] Authentication failed.
            """, quit: false)
        let account = testAccount {
            $0.tls = true
            $0.auth = "SCRAM-SHA-256"
        }
        let provider = FakeSASLProvider(AuthMethodSelectorTests.everything, answers: ["Zmlyc3Q="])
        let error = failure(script, account: account, sasl: provider) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method SCRAM-SHA-256)")
    }
}
