/// An account's `oauth2_*` settings (ours; mpop has none): where and as which
/// registered client mpop obtains the access tokens that XOAUTH2 and
/// OAUTHBEARER send. The `OAuth2` target turns them into endpoints and
/// requests; here they are only what the configuration says.
public struct OAuth2Settings: Sendable, Equatable {
    /// `oauth2_provider`: the presets to start from.
    public enum Provider: String, Sendable, Equatable, CaseIterable {
        /// Google's endpoints and Gmail's scope.
        case google
        /// Microsoft identity platform's endpoints (with ``tenant``) and
        /// Outlook's POP scope.
        case microsoft
        /// No presets: every endpoint and the scope come from the settings.
        case custom
    }

    /// `oauth2_provider`
    public var provider: Provider?
    /// `oauth2_client_id`: the user's own registered client.
    public var clientID: String?
    /// `oauth2_client_secret`
    public var clientSecret: Secret?
    /// `oauth2_client_secret_eval`: a command whose first output line is the
    /// client secret, run only when a request needs it.
    public var clientSecretEval: String?
    /// `oauth2_authorization_endpoint`, replacing the provider's.
    public var authorizationEndpoint: String?
    /// `oauth2_token_endpoint`, replacing the provider's.
    public var tokenEndpoint: String?
    /// `oauth2_device_endpoint`, replacing the provider's.
    public var deviceEndpoint: String?
    /// `oauth2_scope`, replacing the provider's; scopes separated by blanks.
    public var scope: String?
    /// `oauth2_tenant`: Microsoft's tenant (`common`, `consumers`,
    /// `organizations` or a directory's id or domain); `common` when unset.
    public var tenant: String?

    public init() {}

    /// Whether the account gets its tokens through OAuth 2.0: a provider or
    /// a client id is set.
    public var isConfigured: Bool {
        provider != nil || clientID != nil
    }
}

extension ValueSyntax where Value == OAuth2Settings.Provider? {
    /// `google`, `microsoft` or `custom`; an empty argument unsets.
    static var oauth2Provider: Self {
        unsettable({ OAuth2Settings.Provider(rawValue: $0) }, show: { $0?.rawValue ?? "(not set)" })
    }
}
