#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// The one-time authorization of an account (`mpop --oauth2-authorize`):
/// gets the first tokens through the browser or the device flow and stores
/// them (``TokenStore``). What the user must do is handed to `say`; the
/// tokens never are.
public struct Authorizer {
    public let accountName: String
    public let endpoint: TokenEndpoint
    public let store: TokenStore
    /// Prints one line for the user.
    public let say: (String) -> Void
    /// How long to wait for the browser.
    public var browserSeconds = 600

    public init(accountName: String, endpoint: TokenEndpoint, store: TokenStore, say: @escaping (String) -> Void) {
        self.accountName = accountName
        self.endpoint = endpoint
        self.store = store
        self.say = say
    }

    /// Where the tokens went.
    public enum Place: Equatable, Sendable {
        case keyRing
        case file(String)
    }

    /// The authorization-code flow with PKCE and a loopback redirect
    /// (RFC 6749 §4.1, RFC 7636, RFC 8252 §7.3).
    /// - Throws: ``OAuth2Error``: `authorizationDenied` for a refusal or a
    ///   `state` that does not match, `authorizationTimedOut`, endpoint and store errors.
    public func browserFlow() throws(OAuth2Error) -> Place {
        let client = endpoint.client
        guard let authorization = client.endpoints.authorization else {
            throw .incomplete(account: accountName, setting: "oauth2_authorization_endpoint")
        }
        let listener = try LoopbackRedirectListener()
        let redirectURI = "http://\(client.redirectsToLocalhost ? "localhost" : "127.0.0.1"):\(listener.port)/"
        let pkce = PKCE()
        var query: [(String, String)] = [("response_type", "code"), ("client_id", client.clientID),
                                         ("redirect_uri", redirectURI)]
        if let scope = client.endpoints.scope { query.append(("scope", scope)) }
        query += [("state", pkce.state), ("code_challenge", pkce.challenge), ("code_challenge_method", "S256")]
        // Google gives a refresh token only with offline access and, for a
        // second authorization, only when asked to show the consent again.
        if authorization.hasPrefix("https://accounts.google.com/") {
            query += [("access_type", "offline"), ("prompt", "consent")]
        }
        let separator = authorization.contains("?") ? "&" : "?"
        say("Open this URL in a browser on this machine and allow access:")
        say(authorization + separator + FormEncoding.encoded(query))
        say("Waiting for the browser to return to \(redirectURI) ...")

        let answer = try listener.awaitRedirect(seconds: browserSeconds)
        let value = { (key: String) in answer.first { $0.0 == key }?.1 }
        guard value("state") == pkce.state else {
            throw .authorizationDenied(reason: "the redirect's state does not match the request's")
        }
        if let error = value("error") {
            let description = value("error_description").map { ": " + TokenEndpoint.shortened($0) } ?? ""
            throw .authorizationDenied(reason: Sanitizer.sanitized(error + description))
        }
        guard let code = value("code"), !code.isEmpty else {
            throw .authorizationDenied(reason: "the redirect carries no code")
        }
        let outcome = try endpoint.exchange(code: Secret(code), verifier: pkce.verifier, redirectURI: redirectURI)
        return try keep(outcome)
    }

    /// The device authorization grant (RFC 8628): prints the code and where
    /// to enter it, then polls the token endpoint at the interval the
    /// provider asks for until the user has answered or the code expires.
    public func deviceFlow() throws(OAuth2Error) -> Place {
        let device = try endpoint.authorizeDevice()
        say("On any device, open \(Sanitizer.sanitized(device.verificationURI))")
        say("and enter the code \(Sanitizer.sanitized(device.userCode))")
        if let complete = device.verificationURIComplete {
            say("(or open \(Sanitizer.sanitized(complete)))")
        }
        var interval = device.interval
        let deadline = Int64(time(nil)) + device.expiresIn
        while Int64(time(nil)) < deadline {
            sleep(UInt32(clamping: interval))
            switch try endpoint.poll(deviceCode: device.deviceCode) {
            case .granted(let grant):
                return try keep(.granted(grant))
            case .refusedGrant("authorization_pending", _):
                continue
            case .refusedGrant("slow_down", _):
                interval += 5
            case .refusedGrant("expired_token", _):
                throw .authorizationTimedOut
            case .refusedGrant(let error, let description):
                throw .authorizationDenied(reason: Sanitizer.sanitized(description.map { "\(error): \($0)" } ?? error))
            }
        }
        throw .authorizationTimedOut
    }

    /// Stores the tokens of a grant, under the account's lock.
    private func keep(_ outcome: TokenEndpoint.Outcome) throws(OAuth2Error) -> Place {
        guard case .granted(let grant) = outcome else {
            if case .refusedGrant(let error, let description) = outcome {
                throw .authorizationDenied(reason: Sanitizer.sanitized(description.map { "\(error): \($0)" } ?? error))
            }
            preconditionFailure("unreachable")
        }
        guard let refreshToken = grant.refreshToken else {
            throw .invalidResponse(url: endpoint.client.endpoints.token ?? "",
                                   problem: "no refresh_token (does the scope ask for offline access?)")
        }
        let requestTime = Int64(time(nil))
        return try store.withLock { () throws(OAuth2Error) -> Place in
            var state = TokenState()
            let inKeyRing = store.keep(refreshToken: refreshToken, in: &state)
            state.accessToken = grant.accessToken
            state.expiresAt = requestTime + (grant.expiresIn ?? 3600)
            try store.save(state)
            return inKeyRing ? .keyRing : .file(store.path)
        }
    }
}
