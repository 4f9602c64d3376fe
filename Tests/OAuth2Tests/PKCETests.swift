import POP3Core
import Testing
@testable import OAuth2

@Suite struct PKCETests {
    /// RFC 7636 Appendix B.
    @Test func challengeOfTheRFCExample() {
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", state: "s")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func freshValuesAreURLSafeAndOfTheRightLength() {
        let one = PKCE(), two = PKCE()
        #expect(one.verifier.exposedValue.count == 43)
        #expect(one.state.count == 22)
        #expect(one.verifier != two.verifier && one.state != two.state)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect((one.verifier.exposedValue + one.challenge + one.state).allSatisfy(allowed.contains))
    }
}

@Suite struct JSONObjectTests {
    @Test func readsTheMembersOfATokenAnswer() throws {
        let text = #"{"access_token":"ya29.x","expires_in":3599,"refresh_token":"1//0g","scope":"https://mail.google.com/","token_type":"Bearer","ok":true}"#
        let object = try #require(JSONObject(parsing: Array(text.utf8)))
        #expect(object.string("access_token") == "ya29.x")
        #expect(object.integer("expires_in") == 3599)
        #expect(object.boolean("ok") == true)
        #expect(object.string("expires_in") == nil)
        #expect(object.string("missing") == nil)
    }

    @Test func takesExpiresInAsAString() throws {
        let object = try #require(JSONObject(parsing: Array(#"{"expires_in":"3600"}"#.utf8)))
        #expect(object.integer("expires_in") == 3600)
    }

    @Test func refusesWhatIsNotOneObject() {
        for text in ["", "[1]", "\"x\"", "{\"a\":1", "{\"a\":1} {", "<html>502 Bad Gateway</html>"] {
            #expect(JSONObject(parsing: Array(text.utf8)) == nil, "\(text)")
        }
        #expect(JSONObject(parsing: Array("{\"a\":1}\n".utf8)) != nil)
    }

    @Test func writesWhatItReads() throws {
        let text = JSONObject.text([("s", .string("a\"b\u{1}")), ("n", .integer(1_800_000_000)), ("b", .boolean(true))])
        let object = try #require(JSONObject(parsing: Array(text.utf8)))
        #expect(object.string("s") == "a\"b\u{1}")
        #expect(object.integer("n") == 1_800_000_000)
        #expect(object.boolean("b") == true)
    }
}

@Suite struct ProviderTests {
    @Test func presetsAndOverrides() {
        var settings = OAuth2Settings()
        settings.provider = .microsoft
        settings.tenant = "contoso.onmicrosoft.com"
        let microsoft = OAuth2Provider.endpoints(for: settings)
        #expect(microsoft.token == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
        #expect(microsoft.device == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode")
        #expect(microsoft.scope == "https://outlook.office.com/POP.AccessAsUser.All offline_access")
        settings.provider = .google
        settings.scope = "https://mail.google.com/ openid"
        let google = OAuth2Provider.endpoints(for: settings)
        #expect(google.authorization == "https://accounts.google.com/o/oauth2/v2/auth")
        #expect(google.scope == "https://mail.google.com/ openid")
        settings.provider = .custom
        #expect(OAuth2Provider.endpoints(for: settings).token == nil)
    }
}
