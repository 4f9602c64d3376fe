import CGnuTLS
import Glibc
import POP3Core

/// A TLS session over a connected socket, after a successful handshake and
/// certificate check. Closing it sends close_notify, frees the session and
/// closes the socket underneath.
public final class GnuTLSTransport: TLSTransport {
    private let session: GnuTLSSession
    private let channel: GnuTLSChannel
    private let socket: any SocketBackedTransport
    /// The socket's: a signal ends the handshake, a read or a write when it is set.
    private let cancellation: Cancellation
    /// True until the handshake and the checks succeeded, and again after
    /// ``close()``. A failed start leaves the socket open for the caller,
    /// sends no close_notify, and only frees the session.
    private var isClosed = true

    public let sessionDescription: String?
    public let peerCertificate: CertificateInfo?

    /// Runs the handshake and checks the server's certificate as `settings`
    /// say (mpop's `mtls_start` and `mtls_check_cert`).
    init(handshakeOver socket: any SocketBackedTransport, session: GnuTLSSession,
         settings: TLSSettings) throws {
        self.socket = socket
        self.session = session
        cancellation = socket.cancellation
        channel = GnuTLSChannel(io: SocketIO(descriptor: socket.socketDescriptor,
                                             timeoutSeconds: socket.timeoutSeconds,
                                             cancellation: cancellation))
        channel.attach(to: session.session)

        var code: Int32
        repeat {
            code = gnutls_handshake(session.session)
        } while code < 0 && gnutls_error_is_fatal(code) == 0 && channel.failure == nil
            && !cancellation.isCancelled
        if code != 0 {
            if let failure = channel.failure, Self.isTimeoutOrAbort(failure) { throw failure }
            if cancellation.isCancelled { throw TLSError.aborted }
            throw TLSError.handshake(reason: GnuTLSSession.text(code))
        }

        let leaf = PeerCertificate(session: session.session)
        peerCertificate = leaf?.info
        if let text = gnutls_session_get_desc(session.session) {
            sessionDescription = String(cString: text)
            cgnutls_free(text)
        } else {
            sessionDescription = nil
        }
        if settings.certCheck {
            try CertificateCheck(settings: settings, hasTrust: session.hasTrust)
                .verify(session: session.session, leaf: leaf)
        }
        isClosed = false
    }

    deinit {
        close()
    }

    /// - Throws: ``TLSError/readFailed(reason:)`` (74) with GnuTLS's text, for
    ///   example when the server ends the connection without close_notify;
    ///   a ``NetworkError`` for a timeout or an abort signal (74).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !isClosed else { throw TLSError.readFailed(reason: GnuTLSSession.text(GNUTLS_E_INVALID_SESSION)) }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = gnutls_record_recv(session.session, base, buffer.count)
            if count >= 0 { return count }
            try handle(Int32(count), TLSError.readFailed, timedOut: .readTimedOut)
        }
    }

    /// - Throws: ``TLSError/writeFailed(reason:)`` (74); a ``NetworkError``
    ///   for a timeout or an abort signal (74).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !isClosed else { throw TLSError.writeFailed(reason: GnuTLSSession.text(GNUTLS_E_INVALID_SESSION)) }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let count = gnutls_record_send(session.session, base + offset, bytes.count - offset)
            if count >= 0 {
                offset += count
                continue
            }
            try handle(Int32(count), TLSError.writeFailed, timedOut: .writeTimedOut)
        }
    }

    /// Returns normally when GnuTLS asks to simply call again: `E_AGAIN`
    /// comes back on a blocking socket after TLS 1.3 post-handshake messages
    /// (a session ticket) were consumed; `E_INTERRUPTED` after a signal that
    /// does not cancel.
    private func handle(_ code: Int32, _ failure: (String) -> TLSError, timedOut: NetworkError) throws {
        if let kept = channel.failure {
            channel.failure = nil
            throw kept
        }
        if code == GNUTLS_E_AGAIN || code == GNUTLS_E_INTERRUPTED {
            if cancellation.isCancelled { throw TLSError.aborted }
            return
        }
        if code == GNUTLS_E_TIMEDOUT { throw timedOut }
        throw failure(GnuTLSSession.text(code))
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if channel.failure == nil {
            var code: Int32
            var tries = 0
            repeat {
                code = gnutls_bye(session.session, GNUTLS_SHUT_WR)
                tries += 1
            } while (code == GNUTLS_E_AGAIN || code == GNUTLS_E_INTERRUPTED) && tries < 10
                && channel.failure == nil
        }
        socket.close()
    }

    /// `gnutls_protocol_get_version`: TLS 1.3 is the newest GnuTLS knows.
    public var isTLS13OrNewer: Bool {
        gnutls_protocol_get_version(session.session) == GNUTLS_TLS1_3
    }

    public func channelBinding(_ kind: ChannelBindingKind) -> [UInt8]? {
        guard !isClosed else { return nil }
        let type: gnutls_channel_binding_t
        switch kind {
        case .tlsUnique: type = GNUTLS_CB_TLS_UNIQUE
        case .tlsExporter: type = GNUTLS_CB_TLS_EXPORTER
        }
        var datum = gnutls_datum_t()
        guard gnutls_session_channel_binding(session.session, type, &datum) == 0,
              let data = datum.data else { return nil }
        defer { cgnutls_free(data) }
        return Array(UnsafeBufferPointer(start: data, count: Int(datum.size)))
    }

    private static func isTimeoutOrAbort(_ error: NetworkError) -> Bool {
        if case .aborted = error { return true }
        return error == .readTimedOut || error == .writeTimedOut
    }
}
