import POP3Core

/// What the HTTPS requests to the provider trust, taken from the account:
/// the same `tls_trust_file` and `tls_crl_file` as the POP3 connection, and
/// its SOCKS proxy. `tls_fingerprint` and `tls_certcheck off` are for the
/// POP3 server's certificate only and are not applied to the provider.
public struct HTTPTrust: Sendable, Equatable {
    /// A PEM file of trusted certificates, or `nil` for the system's.
    public var trustFile: String?
    /// A PEM file of revoked certificates.
    public var crlFile: String?
    /// `socks5h://HOST:PORT`, or `nil`.
    public var proxy: String?
    /// The request's time limit in seconds, or `nil` for none.
    public var timeoutSeconds: Int?

    public init(trustFile: String? = nil, crlFile: String? = nil, proxy: String? = nil, timeoutSeconds: Int? = 60) {
        self.trustFile = trustFile
        self.crlFile = crlFile
        self.proxy = proxy
        self.timeoutSeconds = timeoutSeconds
    }

    /// The account's trust settings.
    public init(account: Account) {
        self.init(trustFile: account.tlsTrustFile == "system" ? nil : account.tlsTrustFile,
                  crlFile: account.tlsCRLFile,
                  proxy: account.proxyHost.map { "socks5h://\($0):\(account.proxyPort ?? 1080)" },
                  timeoutSeconds: account.timeout)
    }
}
