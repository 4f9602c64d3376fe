/// Chooses the authentication method as mpop 1.4.18 does (§7.2).
///
/// An explicit method must be offered by the server and available here.
/// Automatic selection never sends a password in the clear: without TLS only
/// SCRAM qualifies; with TLS the order is PLAIN, APOP, USER, then the
/// challenge–response mechanisms. GSSAPI, EXTERNAL, OAUTHBEARER and XOAUTH2
/// are only used when configured.
public struct AuthMethodSelector: Sendable {
    /// Methods the engine implements itself.
    public static let nativeMethods: Set<String> = ["USER", "APOP", "OAUTHBEARER", "XOAUTH2"]
    static let orderWithTLS = ["PLAIN", "APOP", "USER", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5",
                               "DIGEST-MD5", "LOGIN", "NTLM"]
    static let orderWithoutTLS = ["SCRAM-SHA-256", "SCRAM-SHA-1"]

    /// Whether this side can do `method`.
    public let clientSupports: @Sendable (String) -> Bool

    /// - Parameter apop: whether APOP can be computed here (an ``MD5Digester`` is at hand).
    public init(saslProvider: (any SASLProvider)?, apop: Bool = true) {
        let native = apop ? Self.nativeMethods : Self.nativeMethods.subtracting(["APOP"])
        clientSupports = { method in
            native.contains(method) || (saslProvider?.supports(method) ?? false)
        }
    }

    /// - Parameters:
    ///   - configured: `auth`: `""` for automatic, else an uppercase name.
    /// - Throws: ``POP3Error/authMethodNotOffered(_:)`` (69),
    ///   ``POP3Error/saslMechanismUnsupported(_:)`` (70),
    ///   ``POP3Error/noSecureAuthMethod`` or ``POP3Error/noUsableAuthMethod`` (69).
    public func choose(configured: String, capabilities: Capabilities, tlsActive: Bool) throws(POP3Error) -> String {
        if !configured.isEmpty {
            guard capabilities.offers(configured) else { throw .authMethodNotOffered(configured) }
            guard clientSupports(configured) else { throw .saslMechanismUnsupported(configured) }
            return configured
        }
        let order = tlsActive ? Self.orderWithTLS : Self.orderWithoutTLS
        for method in order where capabilities.offers(method) && clientSupports(method) {
            return method
        }
        throw tlsActive ? .noUsableAuthMethod : .noSecureAuthMethod
    }
}
