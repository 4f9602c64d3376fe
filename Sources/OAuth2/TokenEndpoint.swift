import POP3Core

/// The provider's token endpoint (RFC 6749 §3.2) and device authorization
/// endpoint (RFC 8628 §3.1): form posts in, JSON out.
public struct TokenEndpoint: Sendable {
    public let client: OAuth2Client
    public let http: any HTTPClient

    public init(client: OAuth2Client, http: any HTTPClient) {
        self.client = client
        self.http = http
    }

    /// What a token request came to.
    public enum Outcome: Sendable, Equatable {
        case granted(TokenGrant)
        /// An error the caller decides about (`invalid_grant`,
        /// `authorization_pending`, `slow_down`, `access_denied`,
        /// `expired_token`), with the provider's description.
        case refusedGrant(error: String, description: String?)
    }

    /// A new access token for `refreshToken` (RFC 6749 §6).
    /// - Throws: ``OAuth2Error`` for anything but a grant or a refused grant.
    public func refresh(_ refreshToken: Secret) throws(OAuth2Error) -> Outcome {
        try requestToken([("grant_type", "refresh_token"), ("refresh_token", refreshToken.exposedValue)])
    }

    /// The tokens for an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5).
    public func exchange(code: Secret, verifier: Secret, redirectURI: String) throws(OAuth2Error) -> Outcome {
        try requestToken([("grant_type", "authorization_code"), ("code", code.exposedValue),
                          ("redirect_uri", redirectURI), ("code_verifier", verifier.exposedValue)])
    }

    /// One poll for the tokens of a device code (RFC 8628 §3.4).
    public func poll(deviceCode: Secret) throws(OAuth2Error) -> Outcome {
        try requestToken([("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                          ("device_code", deviceCode.exposedValue)])
    }

    /// Starts the device flow (RFC 8628 §3.1, §3.2).
    public func authorizeDevice() throws(OAuth2Error) -> DeviceAuthorization {
        guard let url = client.endpoints.device else {
            throw .incomplete(account: client.clientID, setting: "oauth2_device_endpoint")
        }
        let response = try http.post(url, form: [("client_id", client.clientID)] + scope)
        let object = try Self.object(response, url: url)
        guard response.status == 200 else { throw Self.failure(response.status, object, url: url) }
        guard let deviceCode = object.string("device_code"), let userCode = object.string("user_code"),
              let verification = object.string("verification_uri") ?? object.string("verification_url") else {
            throw .invalidResponse(url: url, problem: "device_code, user_code or verification_uri missing")
        }
        return DeviceAuthorization(deviceCode: Secret(deviceCode), userCode: userCode,
                                   verificationURI: verification,
                                   verificationURIComplete: object.string("verification_uri_complete"),
                                   expiresIn: object.integer("expires_in") ?? 1800,
                                   interval: max(object.integer("interval") ?? 5, 1))
    }

    private var scope: [(String, String)] {
        client.endpoints.scope.map { [("scope", $0)] } ?? []
    }

    private func requestToken(_ grant: [(String, String)]) throws(OAuth2Error) -> Outcome {
        guard let url = client.endpoints.token else {
            throw .incomplete(account: client.clientID, setting: "oauth2_token_endpoint")
        }
        let response = try http.post(url, form: grant + client.credentials)
        let object = try Self.object(response, url: url)
        if response.status == 200 {
            guard let access = object.string("access_token"), !access.isEmpty else {
                throw .invalidResponse(url: url, problem: "no access_token")
            }
            let refresh = object.string("refresh_token").flatMap { $0.isEmpty ? nil : Secret($0) }
            return .granted(TokenGrant(accessToken: Secret(access), refreshToken: refresh,
                                       expiresIn: object.integer("expires_in")))
        }
        if response.status == 400 || response.status == 401, let error = object.string("error"),
           Self.grantErrors.contains(error) {
            return .refusedGrant(error: error, description: object.string("error_description").map(Self.shortened))
        }
        throw Self.failure(response.status, object, url: url)
    }

    /// The errors of RFC 6749 §5.2 and RFC 8628 §3.5 that concern the grant
    /// rather than the client's configuration.
    static let grantErrors: Set<String> = ["invalid_grant", "authorization_pending", "slow_down", "access_denied",
                                           "expired_token"]

    private static func object(_ response: HTTPResponse, url: String) throws(OAuth2Error) -> JSONObject {
        if let object = JSONObject(parsing: response.body) { return object }
        if response.status >= 500 || response.status == 429 { throw .temporaryFailure(url: url, status: response.status) }
        throw .invalidResponse(url: url, problem: "HTTP status \(response.status) without a JSON object")
    }

    private static func failure(_ status: Int, _ object: JSONObject, url: String) -> OAuth2Error {
        if status >= 500 || status == 429 { return .temporaryFailure(url: url, status: status) }
        return .refused(url: url, status: status, providerError: providerError(object))
    }

    /// `error: error_description`, sanitized and kept short.
    static func providerError(_ object: JSONObject) -> String {
        let error = object.string("error") ?? "no error code"
        guard let description = object.string("error_description") else { return Sanitizer.sanitized(error) }
        return Sanitizer.sanitized(error + ": " + shortened(description))
    }

    static func shortened(_ text: String) -> String {
        // Microsoft's descriptions run to several lines of trace and correlation ids.
        let firstLine = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).first.map(String.init) ?? ""
        return firstLine.count > 200 ? String(firstLine.prefix(200)) + "..." : firstLine
    }
}
