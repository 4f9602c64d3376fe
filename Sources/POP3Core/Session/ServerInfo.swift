/// What `--serverinfo` prints about a server (mpop 1.4.18 `mpop_serverinfo`).
public struct ServerInfo: Sendable {
    public var identity: ServerIdentity
    public var port: Int
    /// Whether the connection goes through a proxy or a unix socket, where
    /// mpop prints only the host.
    public var indirect: Bool
    /// The greeting after its first 4 bytes.
    public var greetingText: String
    /// TLS facts when `tls` is on.
    public var tls: TLSFacts?
    public var capabilities: Capabilities
    /// `tls` with STARTTLS is configured (STLS is then always listed).
    public var startTLSConfigured: Bool
    public var tlsActive: Bool
    public var authenticated: Bool

    public struct TLSFacts: Sendable {
        public var sessionDescription: String?
        public var certificate: CertificateInfo?

        public init(sessionDescription: String?, certificate: CertificateInfo?) {
            self.sessionDescription = sessionDescription
            self.certificate = certificate
        }
    }

    public init(identity: ServerIdentity, port: Int, indirect: Bool, greetingText: String, tls: TLSFacts?,
                capabilities: Capabilities, startTLSConfigured: Bool, tlsActive: Bool, authenticated: Bool) {
        self.identity = identity
        self.port = port
        self.indirect = indirect
        self.greetingText = greetingText
        self.tls = tls
        self.capabilities = capabilities
        self.startTLSConfigured = startTLSConfigured
        self.tlsActive = tlsActive
        self.authenticated = authenticated
    }
}

extension POP3Session {
    /// `--serverinfo`: opens the conversation, tries to authenticate (so that
    /// servers show their post-login capabilities), gathers the facts, hands
    /// them to `report`, then sends QUIT and closes.
    ///
    /// Authentication failures are ignored (a wrong password still gives a
    /// report), except I/O and protocol errors and SASL library failures.
    /// - Throws: connection, TLS, protocol and I/O errors; `command QUIT failed`.
    public func runServerInfo(_ report: (ServerInfo) -> Void) throws {
        defer { close() }
        try open()
        var authenticated = false
        do {
            try authenticate()
            authenticated = true
        } catch let error as any ReportableError where Self.serverInfoIgnores(error) {
            // Refused or impossible: report what we know.
        }
        if authenticated && capabilities.capa {
            try requestCapabilities()
        }
        var tls: ServerInfo.TLSFacts?
        if account.tls {
            tls = ServerInfo.TLSFacts(sessionDescription: tlsTransport?.sessionDescription,
                                      certificate: tlsTransport?.peerCertificate)
        }
        report(ServerInfo(identity: serverIdentity, port: account.effectivePort,
                          indirect: account.proxyHost != nil || account.socket != nil,
                          greetingText: greeting?.displayText ?? "", tls: tls, capabilities: capabilities,
                          startTLSConfigured: account.tls && account.tlsStartTLS,
                          tlsActive: state.tlsActive, authenticated: authenticated))
        // The report is out; like mpop, ignore how QUIT goes.
        try? quit()
    }

    /// mpop ignores authentication errors in `--serverinfo` except I/O,
    /// protocol, invalid-input and library failures: so a refusal (77) or a
    /// method or credential that is not available (69) is ignored.
    static func serverInfoIgnores(_ error: any ReportableError) -> Bool {
        if let error = error as? POP3Error {
            switch error {
            case .authenticationFailed, .authMethodNotOffered, .noSecureAuthMethod, .noUsableAuthMethod,
                 .authNeedsPassword, .authNeedsUser, .authNeedsChannelBinding:
                return true
            default:
                return false
            }
        }
        return error.exitStatus == .noPermission || error.exitStatus == .unavailable
    }
}
