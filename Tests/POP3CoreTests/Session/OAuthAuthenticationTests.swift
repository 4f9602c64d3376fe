import Testing
import TestSupport
@testable import POP3Core

/// XOAUTH2 and OAUTHBEARER as the engine sends them: RFC 5034's 255-octet
/// limit for an initial response, RFC 7628's `%x01` after an error
/// challenge, Microsoft's two-line XOAUTH2, and the automatic choice for an
/// account with `oauth2_*` settings.
@Suite struct OAuthAuthenticationTests {
    static func payload(_ token: String, port: Int = 110) -> String {
        Base64.encode(Array("n,a=joe,\u{1}host=pop.example.org\u{1}port=\(port)\u{1}auth=Bearer \(token)\u{1}\u{1}".utf8))
    }

    static func account(_ auth: String, token: String) -> Account {
        testAccount {
            $0.auth = auth
            $0.password = Secret(token)
        }
    }

    @Test func oauthBearerWithALongTokenSendsItAfterTheContinuation() throws {
        let token = String(repeating: "ya29.a0Af", count: 30)
        let payload = Self.payload(token)
        #expect(("AUTH OAUTHBEARER " + payload + "\r\n").utf8.count > 255)
        let script = """
        <-- +OK
        \(AuthenticationTests.capaNoPipelining)
        --> AUTH OAUTHBEARER
        <-- +
        --> \(payload)
        <-- +OK welcome
        --> QUIT
        <-- +OK
        """
        try makeSession(Self.account("OAUTHBEARER", token: token), ScriptedTransport(script)).runAuthOnly()
    }

    @Test func oauthBearerLineOfExactly255OctetsKeepsTheInitialResponse() {
        // "AUTH OAUTHBEARER " is 17 octets, CRLF 2: a 236-character response fits, 237 does not.
        #expect(POP3Session.fitsAUTHLine("OAUTHBEARER", Secret(String(repeating: "A", count: 236))))
        #expect(!POP3Session.fitsAUTHLine("OAUTHBEARER", Secret(String(repeating: "A", count: 237))))
    }

    @Test func oauthBearerAnswersAnErrorChallengeWithControlA() {
        let script = """
        <-- +OK
        \(AuthenticationTests.capaNoPipelining)
        --> AUTH OAUTHBEARER \(Self.payload("tok"))
        <-- + eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=
        --> AQ==
        <-- -ERR [AUTH] Authentication failed.
        """
        let error = failure(script, account: Self.account("OAUTHBEARER", token: "tok")) { try $0.runAuthOnly() }
        #expect(error?.localizedExplanation == "authentication failed (method OAUTHBEARER)")
        #expect((error as? POP3Error)?.serverMessage == "-ERR [AUTH] Authentication failed.")
        #expect(error.map(exitStatus(for:)) == .noPermission)
    }

    @Test func xoauth2StaysInTwoLinesWhateverTheTokenLength() throws {
        for token in ["tok", String(repeating: "EwBwA8l6BAAU", count: 40)] {
            let response = Base64.encode(Array("user=joe\u{1}auth=Bearer \(token)\u{1}\u{1}".utf8))
            let script = """
            <-- +OK
            \(AuthenticationTests.capaNoPipelining)
            --> AUTH XOAUTH2
            <-- +
            --> \(response)
            <-- +OK
            --> QUIT
            <-- +OK
            """
            try makeSession(Self.account("XOAUTH2", token: token), ScriptedTransport(script)).runAuthOnly()
        }
    }

    @Test func debugOutputHidesTheToken() throws {
        let script = """
        <-- +OK
        \(AuthenticationTests.capaNoPipelining)
        --> AUTH XOAUTH2
        <-- +
        --> \(Base64.encode(Array("user=joe\u{1}auth=Bearer sEcReT\u{1}\u{1}".utf8)))
        <-- +OK
        --> QUIT
        <-- +OK
        """
        let dialogue = RecordingDialogue()
        try makeSession(Self.account("XOAUTH2", token: "sEcReT"), ScriptedTransport(script), dialogue: dialogue)
            .runAuthOnly()
        #expect(dialogue.lines.contains("--> ********"))
        let encoded = Base64.encode(Array("user=joe\u{1}auth=Bearer sEcReT\u{1}\u{1}".utf8))
        #expect(!dialogue.lines.contains { $0.contains("sEcReT") || $0.contains(encoded) })
    }

    @Test func automaticChoiceWithOAuth2SettingsPrefersOAuthBearerThenXOAuth2() throws {
        let selector = AuthMethodSelector(saslProvider: nil, oauth2: true)
        let both = AuthMethodSelectorTests.capabilities("PLAIN XOAUTH2 OAUTHBEARER")
        #expect(try selector.candidates(configured: "", capabilities: both, tlsActive: true, channelBinding: false)
                == ["OAUTHBEARER"])
        let microsoft = AuthMethodSelectorTests.capabilities("PLAIN XOAUTH2")
        #expect(try selector.candidates(configured: "", capabilities: microsoft, tlsActive: true, channelBinding: false)
                == ["XOAUTH2"])
        let neither = AuthMethodSelectorTests.capabilities("PLAIN SCRAM-SHA-256")
        #expect(throws: POP3Error.authMethodNotOffered("XOAUTH2")) {
            try selector.candidates(configured: "", capabilities: neither, tlsActive: true, channelBinding: false)
        }
        #expect(throws: POP3Error.noSecureAuthMethod) {
            try selector.candidates(configured: "", capabilities: both, tlsActive: false, channelBinding: false)
        }
        // An explicit method is still the user's choice.
        #expect(try selector.candidates(configured: "XOAUTH2", capabilities: both, tlsActive: true, channelBinding: false)
                == ["XOAUTH2"])
    }
}
