import POP3Core

/// The presets of `oauth2_provider`: endpoints and the POP3 scope of the
/// providers that need OAuth 2.0 for POP3. No client id is shipped: the
/// user registers their own.
public enum OAuth2Provider {
    /// Google: Gmail's scope is the full mail scope, the only one POP3 accepts.
    public static let google = Endpoints(
        authorization: "https://accounts.google.com/o/oauth2/v2/auth",
        token: "https://oauth2.googleapis.com/token",
        device: "https://oauth2.googleapis.com/device/code",
        scope: "https://mail.google.com/")

    /// Microsoft identity platform for `tenant` (`common` when unset):
    /// Outlook.com's and Exchange Online's POP scope, and `offline_access`
    /// for a refresh token.
    public static func microsoft(tenant: String?) -> Endpoints {
        let base = "https://login.microsoftonline.com/\(FormEncoding.escaped(tenant ?? "common"))/oauth2/v2.0"
        return Endpoints(authorization: base + "/authorize", token: base + "/token", device: base + "/devicecode",
                         scope: "https://outlook.office.com/POP.AccessAsUser.All offline_access")
    }

    /// A provider's endpoints and scope.
    public struct Endpoints: Sendable, Equatable {
        public var authorization: String?
        public var token: String?
        public var device: String?
        public var scope: String?
    }

    /// The presets of `settings.provider`, each replaced by its setting where given.
    public static func endpoints(for settings: OAuth2Settings) -> Endpoints {
        var endpoints: Endpoints
        switch settings.provider {
        case .google?: endpoints = google
        case .microsoft?: endpoints = microsoft(tenant: settings.tenant)
        case .custom?, nil: endpoints = Endpoints()
        }
        if let url = settings.authorizationEndpoint { endpoints.authorization = url }
        if let url = settings.tokenEndpoint { endpoints.token = url }
        if let url = settings.deviceEndpoint { endpoints.device = url }
        if let scope = settings.scope { endpoints.scope = scope }
        return endpoints
    }
}
