import POP3Core

/// One account's registered client at its provider, ready for requests:
/// the id, the secret if any, the endpoints and the scope.
public struct OAuth2Client: Sendable {
    public let clientID: String
    /// Providers give "desktop" clients a secret that is not secret
    /// (Google); public clients have none (Microsoft).
    public let clientSecret: Secret?
    public let endpoints: OAuth2Provider.Endpoints
    /// Whether the redirect URI names `localhost` rather than 127.0.0.1:
    /// Microsoft Entra matches loopback redirects of "Mobile and desktop
    /// applications" against `http://localhost` whatever the port.
    public let redirectsToLocalhost: Bool

    /// The client of `account`.
    /// - Parameter evaluate: runs `oauth2_client_secret_eval`.
    /// - Throws: ``OAuth2Error/incomplete(account:setting:)``,
    ///   ``OAuth2Error/insecureEndpoint(url:)``, ``OAuth2Error/clientSecretEvalFailed(command:)``.
    public init(account: Account,
                evaluate: (String) throws(ShellCommand.Failure) -> String = { command throws(ShellCommand.Failure) in
                    try ShellCommand.firstLine(of: command)
                }) throws(OAuth2Error) {
        let settings = account.oauth2
        let name = account.name ?? account.host ?? ""
        guard let clientID = settings.clientID else { throw .incomplete(account: name, setting: "oauth2_client_id") }
        let endpoints = OAuth2Provider.endpoints(for: settings)
        guard let token = endpoints.token else { throw .incomplete(account: name, setting: "oauth2_token_endpoint") }
        for url in [endpoints.authorization, token, endpoints.device].compactMap({ $0 }) {
            guard CurlHTTPClient.isAllowed(url) else { throw .insecureEndpoint(url: url) }
        }
        var secret = settings.clientSecret
        if secret == nil, let command = settings.clientSecretEval {
            do throws(ShellCommand.Failure) {
                secret = Secret(try evaluate(command))
            } catch {
                throw .clientSecretEvalFailed(command: command)
            }
        }
        self.clientID = clientID
        self.clientSecret = secret
        self.endpoints = endpoints
        self.redirectsToLocalhost = settings.provider == .microsoft
    }

    /// `client_id`, and `client_secret` when there is one (RFC 6749 §2.3.1,
    /// in the body).
    var credentials: [(String, String)] {
        [("client_id", clientID)] + (clientSecret.map { [("client_secret", $0.exposedValue)] } ?? [])
    }
}
