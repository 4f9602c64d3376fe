import CGSASL

/// Facts about the GNU SASL library this process runs with.
public enum GSASLLibrary {
    /// The run-time version of GNU SASL, for example `2.2.0`.
    public static var version: String {
        guard let text = gsasl_check_version(nil) else { return "unknown" }
        return String(cString: text)
    }

    /// Whether the library can run `mechanism` (an uppercase SASL name) as a client.
    public static func supportsClient(_ mechanism: String) -> Bool {
        var context: OpaquePointer?
        guard gsasl_init(&context) == Int32(GSASL_OK.rawValue), let context else { return false }
        defer { gsasl_done(context) }
        return gsasl_client_support_p(context, mechanism) != 0
    }
}
