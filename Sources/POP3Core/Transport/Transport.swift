/// A connected byte stream to a POP3 server: a socket, a TLS session over a
/// socket, or a scripted peer in tests. The protocol engine reads and writes
/// only through this seam.
public protocol Transport: AnyObject {
    /// Reads at least one byte into `buffer` and returns how many, or 0 at the
    /// end of the stream.
    /// - Throws: a ``ReportableError`` for a timeout, an I/O error or an
    ///   interruption by a signal.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// Writes all of `bytes`.
    /// - Throws: a ``ReportableError`` for a timeout or an I/O error.
    func write(_ bytes: UnsafeRawBufferPointer) throws

    /// Closes the stream; further calls fail. Closing twice is harmless.
    func close()

    /// Waits up to `timeout` for something to read (bytes, or the end of
    /// the stream), without reading it.
    /// - Returns: `false` when nothing came in time. A transport that cannot
    ///   wait (the default) returns `true` at once: its next read waits.
    /// - Throws: a ``ReportableError`` for an I/O error or an interruption
    ///   by a signal.
    func waitForInput(timeout: Duration) throws -> Bool
}

extension Transport {
    public func waitForInput(timeout: Duration) throws -> Bool {
        true
    }
}

/// A transport over a socket, which TLS can be started on.
public protocol SocketBackedTransport: Transport {
    /// The connected socket's descriptor.
    var socketDescriptor: Int32 { get }
    /// The I/O timeout in seconds, or `nil` for none.
    var timeoutSeconds: Int? { get }
    /// What ends a wait on the socket interrupted by a signal; TLS on this
    /// socket waits under the same.
    var cancellation: Cancellation { get }
}

/// What TLS can tell about an established session, for `--serverinfo`,
/// `--debug` and SCRAM-PLUS.
public protocol TLSTransport: Transport {
    /// GnuTLS's description, e.g. `(TLS1.3)-(ECDHE-SECP256R1)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)`.
    var sessionDescription: String? { get }
    /// The server's leaf certificate, if one was sent.
    var peerCertificate: CertificateInfo? { get }
    /// Channel binding data of the given kind (`tls-unique` or `tls-exporter`),
    /// or `nil` when this session cannot provide it.
    func channelBinding(_ kind: ChannelBindingKind) -> [UInt8]?
    /// Whether the session runs TLS 1.3 or newer, where tls-unique is
    /// undefined and tls-exporter is the binding (RFC 9266).
    var isTLS13OrNewer: Bool { get }
}

extension TLSTransport {
    /// From ``sessionDescription``, which GnuTLS starts with the version.
    public var isTLS13OrNewer: Bool {
        sessionDescription?.hasPrefix("(TLS1.3)") ?? false
    }

    /// The channel binding a `-PLUS` mechanism needs on this session: of
    /// the kind for its TLS version (tls-exporter on TLS 1.3, RFC 9266;
    /// tls-unique on TLS 1.2 and older, RFC 5929), or `nil` when the
    /// library cannot give it.
    public var sessionChannelBinding: (kind: ChannelBindingKind, data: [UInt8])? {
        let kind: ChannelBindingKind = isTLS13OrNewer ? .tlsExporter : .tlsUnique
        guard let data = channelBinding(kind), !data.isEmpty else { return nil }
        return (kind, data)
    }
}

public enum ChannelBindingKind: String, Sendable {
    case tlsUnique = "tls-unique"
    case tlsExporter = "tls-exporter"
}

/// The facts about a server certificate that mpop prints.
public struct CertificateInfo: Sendable, Equatable {
    /// RFC 4514 distinguished names, as GnuTLS prints them.
    public var subject: String
    public var issuer: String
    /// Seconds since the epoch.
    public var activationTime: Int64
    public var expirationTime: Int64
    public var sha256Fingerprint: [UInt8]
    public var sha1Fingerprint: [UInt8]

    public init(subject: String, issuer: String, activationTime: Int64, expirationTime: Int64,
                sha256Fingerprint: [UInt8], sha1Fingerprint: [UInt8]) {
        self.subject = subject
        self.issuer = issuer
        self.activationTime = activationTime
        self.expirationTime = expirationTime
        self.sha256Fingerprint = sha256Fingerprint
        self.sha1Fingerprint = sha1Fingerprint
    }
}

/// The TLS settings of an account, as the TLS layer needs them.
public struct TLSSettings: Sendable, Equatable {
    /// Name for SNI and the certificate's host check (`tls_host_override` or `host`).
    public var serverName: String
    /// `nil`, `"system"`, or a PEM file.
    public var trustFile: String?
    public var crlFile: String?
    public var fingerprint: [UInt8]?
    public var keyFile: String?
    public var certFile: String?
    public var certCheck: Bool
    public var minDHPrimeBits: Int?
    public var priorities: String?
    /// Passed as the PKCS#11 PIN for a client key, as mpop does.
    public var pin: Secret?

    public init(serverName: String, trustFile: String? = "system", crlFile: String? = nil,
                fingerprint: [UInt8]? = nil, keyFile: String? = nil, certFile: String? = nil,
                certCheck: Bool = true, minDHPrimeBits: Int? = nil, priorities: String? = nil,
                pin: Secret? = nil) {
        self.serverName = serverName
        self.trustFile = trustFile
        self.crlFile = crlFile
        self.fingerprint = fingerprint
        self.keyFile = keyFile
        self.certFile = certFile
        self.certCheck = certCheck
        self.minDHPrimeBits = minDHPrimeBits
        self.priorities = priorities
        self.pin = pin
    }
}

/// Starts TLS on a connected socket. Implemented by the `TLSGnu` target.
public protocol TLSStarter: Sendable {
    /// Runs the handshake over `transport`'s socket and checks the server's
    /// certificate as `settings` say.
    /// - Throws: a ``ReportableError``: handshake failure (76), certificate
    ///   rejected (69), unreadable key, certificate, trust or CRL file (66),
    ///   I/O (74), library failure (70).
    func startTLS(over transport: any SocketBackedTransport, settings: TLSSettings) throws -> any TLSTransport

    /// Sets up ahead of time what a handshake with `settings` needs (for
    /// GnuTLS: the session, its credentials, the trust store), while the
    /// server has yet to answer. `nil` when there is nothing to gain or the
    /// setup failed; the handshake then does it all and reports the failure
    /// where it always did.
    func prepare(settings: TLSSettings) -> (any TLSPreparation)?

    /// ``startTLS(over:settings:)`` with what ``prepare(settings:)`` made,
    /// used at most once.
    func startTLS(over transport: any SocketBackedTransport, settings: TLSSettings,
                  prepared: (any TLSPreparation)?) throws -> any TLSTransport
}

/// What ``TLSStarter/prepare(settings:)`` set up; opaque to the session.
public protocol TLSPreparation: AnyObject {}

extension TLSStarter {
    public func prepare(settings: TLSSettings) -> (any TLSPreparation)? {
        nil
    }

    public func startTLS(over transport: any SocketBackedTransport, settings: TLSSettings,
                         prepared: (any TLSPreparation)?) throws -> any TLSTransport {
        try startTLS(over: transport, settings: settings)
    }
}
