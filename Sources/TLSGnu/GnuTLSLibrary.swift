import CGnuTLS

/// Facts about the GnuTLS library this process runs with.
public enum GnuTLSLibrary {
    /// The run-time version of GnuTLS, for example `3.7.9`.
    public static var version: String {
        guard let text = gnutls_check_version(nil) else { return "unknown" }
        return String(cString: text)
    }
}
