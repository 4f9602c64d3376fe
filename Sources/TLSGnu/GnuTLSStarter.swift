import POP3Core

/// Starts TLS with GnuTLS on a connected socket: implicit TLS right after
/// connecting, or after `STLS` was answered with `+OK`. Whatever the server
/// sent before the handshake is the caller's to deal with; this reads only
/// TLS records.
public struct GnuTLSStarter: TLSStarter {
    public init() {}

    /// On success the returned transport owns `transport` and closes it; on
    /// failure `transport` is left open for the caller to close.
    /// - Throws: ``TLSError``: session setup (70), key, certificate, trust or
    ///   CRL file (66), handshake (76), certificate rejected (69); or a
    ///   ``NetworkError`` for a timeout or an abort during the handshake (74).
    public func startTLS(over transport: any SocketBackedTransport,
                         settings: TLSSettings) throws -> any TLSTransport {
        try startTLS(over: transport, settings: settings, prepared: nil)
    }

    /// A session with its credentials and trust loaded (the system trust
    /// store alone takes milliseconds), or `nil` when that fails: then
    /// ``startTLS(over:settings:prepared:)`` tries again and reports why.
    public func prepare(settings: TLSSettings) -> (any TLSPreparation)? {
        try? GnuTLSSession(settings: settings)
    }

    public func startTLS(over transport: any SocketBackedTransport, settings: TLSSettings,
                         prepared: (any TLSPreparation)?) throws -> any TLSTransport {
        let session = try (prepared as? GnuTLSSession) ?? GnuTLSSession(settings: settings)
        return try GnuTLSTransport(handshakeOver: transport, session: session, settings: settings)
    }
}
