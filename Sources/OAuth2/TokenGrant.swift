import POP3Core

/// A successful answer of the token endpoint (RFC 6749 §5.1).
public struct TokenGrant: Sendable, Equatable {
    public var accessToken: Secret
    /// A new refresh token: the first one, or a rotated one that replaces
    /// the old (§6); `nil` when the old one stays valid.
    public var refreshToken: Secret?
    /// Seconds the access token lives, if the provider says.
    public var expiresIn: Int64?

    public init(accessToken: Secret, refreshToken: Secret?, expiresIn: Int64?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }
}

/// The answer of the device authorization endpoint (RFC 8628 §3.2).
public struct DeviceAuthorization: Sendable {
    public var deviceCode: Secret
    public var userCode: String
    /// `verification_uri` (Google says `verification_url`).
    public var verificationURI: String
    public var verificationURIComplete: String?
    public var expiresIn: Int64
    /// Seconds between polls; 5 when the provider does not say (§3.2).
    public var interval: Int64
}
