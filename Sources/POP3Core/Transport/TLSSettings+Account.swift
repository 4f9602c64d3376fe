extension TLSSettings {
    /// The TLS settings of `account`, as mpop hands them to `mtls_init`: the
    /// server name is `tls_host_override` or `host`, and the password known
    /// from the configuration (`password`, or `passwordeval` already run) is
    /// the PKCS#11 PIN for a client key.
    public init(account: Account) {
        self.init(serverName: account.tlsServerName ?? "",
                  trustFile: account.tlsTrustFile,
                  crlFile: account.tlsCRLFile,
                  fingerprint: account.tlsFingerprint,
                  keyFile: account.tlsKeyFile,
                  certFile: account.tlsCertFile,
                  certCheck: account.tlsCertCheck,
                  minDHPrimeBits: account.tlsMinDHPrimeBits,
                  priorities: account.tlsPriorities,
                  pin: account.password)
    }
}
