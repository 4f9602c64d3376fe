import Foundation
import POP3Core
import Testing
import TestSupport
@testable import OAuth2

/// The every-run logic against a scripted token endpoint: the cache, the
/// refresh, rotation stored at once, and the errors' exit statuses.
@Suite struct AccessTokenSourceTests {
    /// Answers each post with the next scripted response, recording the forms.
    final class ScriptedHTTP: HTTPClient, @unchecked Sendable {
        var answers: [Result<HTTPResponse, OAuth2Error>]
        var forms: [[(String, String)]] = []
        init(_ answers: [Result<HTTPResponse, OAuth2Error>]) { self.answers = answers }
        func post(_ url: String, form: [(String, String)]) throws(OAuth2Error) -> HTTPResponse {
            forms.append(form)
            guard !answers.isEmpty else { Issue.record("unexpected request"); throw .unreachable(url: url, reason: "none") }
            return try answers.removeFirst().get()
        }
    }

    static func json(_ status: Int, _ text: String) -> Result<HTTPResponse, OAuth2Error> {
        .success(HTTPResponse(status: status, body: Array(text.utf8)))
    }

    struct Rig {
        let directory: TemporaryDirectory
        let store: TokenStore
        let http: ScriptedHTTP
        let source: AccessTokenSource

        init(_ answers: [Result<HTTPResponse, OAuth2Error>], now: Int64 = 1_000_000) throws {
            directory = try TemporaryDirectory()
            var account = Account()
            account.name = "work"
            account.host = "pop.example.org"
            account.user = "joe"
            account.uidlsFile = directory.url("uidls/joe_at_pop")
            account.oauth2.provider = .custom
            account.oauth2.clientID = "id"
            account.oauth2.tokenEndpoint = "https://auth.example.org/token"
            store = TokenStore(account: account, secretToolPath: nil)
            let http = ScriptedHTTP(answers)
            self.http = http
            let client = try OAuth2Client(account: account)
            source = AccessTokenSource(accountName: "work", reauthorizeCommand: "mpop --oauth2-authorize work",
                                       store: store, endpoint: { TokenEndpoint(client: client, http: http) },
                                       now: { now })
        }

        func seed(refresh: String?, access: String?, expiresAt: Int64?) throws {
            var state = TokenState()
            state.refreshToken = refresh.map(Secret.init)
            state.accessToken = access.map(Secret.init)
            state.expiresAt = expiresAt
            try store.save(state)
        }
    }

    @Test func aValidCachedTokenNeedsNoRequest() throws {
        let rig = try Rig([])
        try rig.seed(refresh: "r1", access: "a1", expiresAt: 1_000_061)
        let (token, refreshed) = try rig.source.accessToken()
        #expect(token == Secret("a1") && !refreshed)
    }

    @Test func aTokenWithAMinuteLeftOrLessIsRefreshedAndTheRotatedRefreshTokenStored() throws {
        let rig = try Rig([Self.json(200, #"{"access_token":"a2","refresh_token":"r2","expires_in":3600}"#)])
        try rig.seed(refresh: "r1", access: "a1", expiresAt: 1_000_060)
        let (token, refreshed) = try rig.source.accessToken()
        #expect(token == Secret("a2") && refreshed)
        let form = try #require(rig.http.forms.first)
        #expect(form.map(\.0) == ["grant_type", "refresh_token", "client_id"])
        #expect(form[1].1 == "r1")
        let state = try rig.store.load()
        #expect(state.refreshToken == Secret("r2") && state.accessToken == Secret("a2") && state.expiresAt == 1_003_600)
    }

    @Test func aRejectedTokenIsRefreshedEvenWhileTheCacheCallsItValid() throws {
        let rig = try Rig([Self.json(200, #"{"access_token":"a2","expires_in":3600}"#)])
        try rig.seed(refresh: "r1", access: "a1", expiresAt: 2_000_000)
        #expect(try rig.source.accessToken(replacing: Secret("a1")).token == Secret("a2"))
        // No rotation: the old refresh token stays.
        #expect(try rig.store.load().refreshToken == Secret("r1"))
        // Another run's newer token is taken instead of refreshing again.
        #expect(try rig.source.accessToken(replacing: Secret("a1")).token == Secret("a2"))
    }

    @Test func invalidGrantNamesTheCommandAndExits77() throws {
        let rig = try Rig([Self.json(400, #"{"error":"invalid_grant","error_description":"Bad Request"}"#)])
        try rig.seed(refresh: "r1", access: nil, expiresAt: nil)
        #expect(throws: OAuth2Error.authorizationRevoked(account: "work", command: "mpop --oauth2-authorize work",
                                                         providerError: "invalid_grant: Bad Request")) {
            try rig.source.accessToken()
        }
        #expect(OAuth2Error.authorizationRevoked(account: "", command: "", providerError: "").exitStatus == .noPermission)
    }

    @Test func failuresOfTheEndpointAndTheirStatuses() throws {
        let cases: [(Result<HTTPResponse, OAuth2Error>, POP3Core.ExitStatus)] = [
            (.failure(.unreachable(url: "u", reason: "Connection refused")), .tempFail),
            (Self.json(503, "<html>Service Unavailable</html>"), .tempFail),
            (Self.json(500, #"{"error":"server_error"}"#), .tempFail),
            (Self.json(401, #"{"error":"invalid_client","error_description":"Unknown client"}"#), .config),
            (Self.json(200, #"{"token_type":"Bearer"}"#), .protocolError),
            (Self.json(200, "not json"), .protocolError),
        ]
        for (answer, status) in cases {
            let rig = try Rig([answer])
            try rig.seed(refresh: "r1", access: nil, expiresAt: nil)
            do {
                _ = try rig.source.accessToken()
                Issue.record("no error for \(answer)")
            } catch {
                #expect(error.exitStatus == status, "\(error)")
                #expect(!error.explanation.contains("r1"))
            }
        }
    }

    @Test func neverAuthorized() throws {
        let rig = try Rig([])
        #expect(throws: OAuth2Error.notAuthorized(account: "work", command: "mpop --oauth2-authorize work")) {
            try rig.source.accessToken()
        }
    }

    @Test func theTokenFileIsPrivate() throws {
        let rig = try Rig([])
        try rig.seed(refresh: "r1", access: "a1", expiresAt: 5)
        let mode = try FileManager.default.attributesOfItem(atPath: rig.store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(rig.store.path == rig.directory.url("uidls/joe_at_pop.oauth2"))
    }
}
