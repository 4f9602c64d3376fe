import POP3Core

/// What the token file of an account holds (``TokenStore``): the refresh
/// token unless the key ring keeps it, and the last access token with the
/// time it stops being valid.
public struct TokenState: Sendable, Equatable {
    /// The refresh token, when it is kept in the file.
    public var refreshToken: Secret?
    /// Whether the refresh token is in the key ring instead.
    public var refreshTokenInKeyRing = false
    /// The cached access token.
    public var accessToken: Secret?
    /// When ``accessToken`` expires, in seconds since the epoch.
    public var expiresAt: Int64?

    public init() {}

    /// Whether an access token is cached that stays valid for `margin` more seconds after `now`.
    public func hasAccessToken(validAt now: Int64, margin: Int64) -> Bool {
        guard accessToken != nil, let expiresAt else { return false }
        return expiresAt - margin > now
    }

    /// The file's JSON text.
    var text: String {
        var members: [(String, JSONScalar)] = [("version", .integer(1))]
        if let refreshToken { members.append(("refresh_token", .string(refreshToken.exposedValue))) }
        if refreshTokenInKeyRing { members.append(("refresh_token_in_key_ring", .boolean(true))) }
        if let accessToken { members.append(("access_token", .string(accessToken.exposedValue))) }
        if let expiresAt { members.append(("expires_at", .integer(expiresAt))) }
        return JSONObject.text(members) + "\n"
    }

    /// The state a file's bytes describe; `nil` when they are no token file.
    init?(parsing bytes: [UInt8]) {
        guard let object = JSONObject(parsing: bytes), object.integer("version") == 1 else { return nil }
        refreshToken = object.string("refresh_token").map(Secret.init)
        refreshTokenInKeyRing = object.boolean("refresh_token_in_key_ring") ?? false
        accessToken = object.string("access_token").map(Secret.init)
        expiresAt = object.integer("expires_at")
    }
}
