import OAuth2
import POP3Core

/// The OAuth 2.0 side of one account's run: hands the session an access
/// token for XOAUTH2 and OAUTHBEARER (``token(for:)``), and runs the
/// account's work once more after a refresh when the server refused a token
/// that came from the cache (``retryingOnce(_:)``).
final class OAuth2Login {
    /// The methods that send an access token.
    static let methods: Set<String> = ["XOAUTH2", "OAUTHBEARER"]

    private let source: AccessTokenSource
    /// The token last handed out, and whether it had just been refreshed.
    private var lastToken: Secret?
    private var lastRefreshed = false
    /// A token refreshed after a refusal, for the second attempt.
    private var pending: Secret?

    private init(source: AccessTokenSource) {
        self.source = source
    }

    /// The login of `account`, or `nil` when it has no `oauth2_*` settings.
    static func make(for account: Account, invocation: Invocation, environment: Environment,
                     cancellation: Cancellation) -> OAuth2Login? {
        guard account.oauth2.isConfigured else { return nil }
        let trust = HTTPTrust(account: account)
        let source = AccessTokenSource(
            accountName: account.name ?? account.host ?? "",
            reauthorizeCommand: reauthorizeCommand(for: account, invocation: invocation),
            store: TokenStore(account: account, secretToolPath: SecretTool.path(environment)),
            endpoint: { () throws(OAuth2Error) -> TokenEndpoint in
                TokenEndpoint(client: try OAuth2Client(account: account), http: CurlHTTPClient(trust: trust))
            },
            cancellation: cancellation)
        return OAuth2Login(source: source)
    }

    /// `mpop [-C FILE] --oauth2-authorize ACCOUNT`, as the user would type it again.
    static func reauthorizeCommand(for account: Account, invocation: Invocation) -> String {
        let file = invocation.configurationFile.map { " -C " + $0 } ?? ""
        guard let name = account.name else { return "mpop --oauth2-authorize --host=\(account.host ?? "") ..." }
        return "mpop\(file) --oauth2-authorize \(name)"
    }

    /// The access token for `method`, or `nil` when the method takes a password.
    func token(for method: String) throws -> Secret? {
        guard Self.methods.contains(method) else { return nil }
        if let pending {
            self.pending = nil
            lastToken = pending
            lastRefreshed = true
            return pending
        }
        let (token, refreshed) = try source.accessToken()
        lastToken = token
        lastRefreshed = refreshed
        return token
    }

    /// Runs `body`; when it fails because the server refused an access
    /// token from the cache (not a temporary refusal), refreshes the token
    /// and runs `body` once more.
    func retryingOnce<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch POP3Error.authenticationFailed(let method, let reply)
                    where Self.methods.contains(method) && reply?.responseCode?.isTemporary != true {
            guard let rejected = lastToken, !lastRefreshed else {
                throw POP3Error.authenticationFailed(method: method, reply: reply)
            }
            pending = try source.accessToken(replacing: rejected).token
            return try body()
        }
    }
}
