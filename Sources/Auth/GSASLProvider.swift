import CGSASL
import POP3Core

/// The SASL mechanisms of GNU SASL, as mpop 1.4.18 uses them: PLAIN, LOGIN,
/// CRAM-MD5, DIGEST-MD5, SCRAM-SHA-1, SCRAM-SHA-256 (and their -PLUS forms
/// with channel binding), GSSAPI, EXTERNAL and NTLM, whichever the
/// installed library was built with.
///
/// Stateless: every client session owns its own library context, so
/// sessions on different threads never share GNU SASL state.
public struct GSASLProvider: SASLProvider {
    public init() {}

    /// Whether the library has a client for `mechanism` (`gsasl_client_support_p`).
    public func supports(_ mechanism: String) -> Bool {
        GSASLLibrary.supportsClient(mechanism)
    }

    /// Starts a client session; see ``GSASLClientSession``.
    /// - Throws: ``AuthError/unsupported(mechanism:)`` or ``AuthError/library(_:)``.
    public func makeClient(mechanism: String, properties: SASLProperties) throws -> any SASLClientSession {
        try GSASLClientSession(mechanism: mechanism, properties: properties)
    }
}
