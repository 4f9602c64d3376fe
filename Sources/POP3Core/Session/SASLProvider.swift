/// What a SASL mechanism may ask for. Service is always `pop`.
public struct SASLProperties: Sendable {
    public var user: String?
    public var password: Secret?
    /// Sent only for EXTERNAL, as mpop does.
    public var authzid: String?
    /// The configured `host`.
    public var hostname: String?
    /// `ntlmdomain`.
    public var realm: String?
    /// For the -PLUS mechanisms: the binding kind and its data.
    public var channelBinding: (kind: ChannelBindingKind, data: [UInt8])?

    public init(user: String? = nil, password: Secret? = nil, authzid: String? = nil,
                hostname: String? = nil, realm: String? = nil,
                channelBinding: (kind: ChannelBindingKind, data: [UInt8])? = nil) {
        self.user = user
        self.password = password
        self.authzid = authzid
        self.hostname = hostname
        self.realm = realm
        self.channelBinding = channelBinding
    }
}

/// One client side of a SASL exchange (RFC 4422), in base64 as POP3 carries
/// it (RFC 5034).
public protocol SASLClientSession: AnyObject {
    /// Computes the next client message.
    /// - Parameter challenge: the server's base64 challenge (the text after
    ///   `+ `), or `nil` for the first step, before anything was received.
    /// - Returns: the base64 response (possibly empty) and whether the
    ///   mechanism considers the exchange complete on its side.
    /// - Throws: a ``ReportableError`` (exit 77 for a failed exchange, 70 for a library failure).
    func step(challenge: String?) throws -> (response: String, complete: Bool)
}

/// A library of SASL mechanisms. Implemented by the `Auth` target over GNU SASL.
public protocol SASLProvider: Sendable {
    /// Whether the client side of `mechanism` (uppercase) is available.
    func supports(_ mechanism: String) -> Bool
    /// Starts a client session for `mechanism` with `properties`.
    /// - Throws: a ``ReportableError`` when the library cannot start it (70).
    func makeClient(mechanism: String, properties: SASLProperties) throws -> any SASLClientSession
}
