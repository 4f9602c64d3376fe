/// Chooses the authentication method (§7.2), with mpop 1.4.19's preference
/// for SCRAM and a way back to mpop 1.4.18's choice.
///
/// An explicit method must be offered by the server and available here.
/// Automatic selection never sends a password in the clear: without TLS only
/// SCRAM qualifies (SCRAM-SHA-256, then SCRAM-SHA-1), as in every mpop. With
/// TLS, 1.4.19's order: SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS (only when this
/// side has the channel-binding data of the TLS session), SCRAM-SHA-256,
/// SCRAM-SHA-1, then 1.4.18's order (PLAIN, APOP, USER, the
/// challenge–response mechanisms). GSSAPI, EXTERNAL, OAUTHBEARER and XOAUTH2
/// are only used when configured, except that an account with `oauth2_*`
/// settings (ours) chooses OAUTHBEARER, else XOAUTH2, and nothing else.
///
/// A server may announce SCRAM and still be unable to complete it for this
/// user (dovecot with a passdb that keeps only crypt hashes, cyrus whose
/// `-PLUS` knows only tls-unique on a TLS 1.3 session), where 1.4.18's PLAIN
/// logs in. So the automatic choice is a short list, ``candidates(configured:capabilities:tlsActive:channelBinding:)``:
/// the best `-PLUS`, the best plain SCRAM, and last the method 1.4.18 would
/// have chosen; the session moves down it when the server refuses one.
public struct AuthMethodSelector: Sendable {
    /// Methods the engine implements itself.
    public static let nativeMethods: Set<String> = ["USER", "APOP", "OAUTHBEARER", "XOAUTH2"]
    static let channelBoundSCRAM = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS"]
    static let plainSCRAM = ["SCRAM-SHA-256", "SCRAM-SHA-1"]
    /// mpop 1.4.18's order with TLS.
    static let legacyOrderWithTLS = ["PLAIN", "APOP", "USER", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5",
                                     "DIGEST-MD5", "LOGIN", "NTLM"]

    /// The automatic choice for an account with `oauth2_*` settings, in order.
    static let oauth2Order = ["OAUTHBEARER", "XOAUTH2"]

    /// Whether this side can do `method`.
    public let clientSupports: @Sendable (String) -> Bool
    /// Whether the account gets OAuth 2.0 tokens, so that the automatic
    /// choice is among the token methods only.
    public let oauth2: Bool

    /// - Parameters:
    ///   - apop: whether APOP can be computed here (an ``MD5Digester`` is at hand).
    ///   - oauth2: whether the account has `oauth2_*` settings.
    public init(saslProvider: (any SASLProvider)?, apop: Bool = true, oauth2: Bool = false) {
        self.oauth2 = oauth2
        let native = apop ? Self.nativeMethods : Self.nativeMethods.subtracting(["APOP"])
        clientSupports = { method in
            native.contains(method) || (saslProvider?.supports(method) ?? false)
        }
    }

    /// The methods to try, in order: one method when `auth` names one or
    /// without TLS; with TLS, up to three (see the type's description).
    /// - Parameters:
    ///   - configured: `auth`: `""` for automatic, else an uppercase name.
    ///   - channelBinding: whether the TLS session's channel-binding data of
    ///     the right kind (tls-exporter on TLS 1.3, tls-unique before) is at
    ///     hand; without it no `-PLUS` mechanism is chosen automatically.
    /// - Throws: ``POP3Error/authMethodNotOffered(_:)`` (69),
    ///   ``POP3Error/saslMechanismUnsupported(_:)`` (70),
    ///   ``POP3Error/noSecureAuthMethod`` or ``POP3Error/noUsableAuthMethod`` (69).
    public func candidates(configured: String, capabilities: Capabilities, tlsActive: Bool,
                           channelBinding: Bool) throws(POP3Error) -> [String] {
        if !configured.isEmpty {
            guard capabilities.offers(configured) else { throw .authMethodNotOffered(configured) }
            guard clientSupports(configured) else { throw .saslMechanismUnsupported(configured) }
            return [configured]
        }
        let usable = { (method: String) in capabilities.offers(method) && self.clientSupports(method) }
        if oauth2 {
            // A bearer token is as good as a password to whoever sees it.
            guard tlsActive else { throw .noSecureAuthMethod }
            guard let method = Self.oauth2Order.first(where: usable) else { throw .authMethodNotOffered("XOAUTH2") }
            return [method]
        }
        guard tlsActive else {
            guard let scram = Self.plainSCRAM.first(where: usable) else { throw .noSecureAuthMethod }
            return [scram]
        }
        var chosen: [String] = []
        if channelBinding, let plus = Self.channelBoundSCRAM.first(where: usable) {
            chosen.append(plus)
        }
        if let scram = Self.plainSCRAM.first(where: usable) {
            chosen.append(scram)
        }
        if let legacy = Self.legacyOrderWithTLS.first(where: usable), !chosen.contains(legacy) {
            chosen.append(legacy)
        }
        guard !chosen.isEmpty else { throw .noUsableAuthMethod }
        return chosen
    }

    /// The first of ``candidates(configured:capabilities:tlsActive:channelBinding:)``.
    public func choose(configured: String, capabilities: Capabilities, tlsActive: Bool,
                       channelBinding: Bool = false) throws(POP3Error) -> String {
        try candidates(configured: configured, capabilities: capabilities, tlsActive: tlsActive,
                       channelBinding: channelBinding)[0]
    }
}
