import CGSASL

/// Facts about the GNU SASL library this process runs with.
public enum GSASLLibrary {
    /// The run-time version of GNU SASL, for example `2.2.0`.
    public static var version: String {
        guard let text = gsasl_check_version(nil) else { return "unknown" }
        return String(cString: text)
    }

    /// Whether the library can run `mechanism` (an uppercase SASL name) as a client.
    /// One library context asked for every answer (the version text asks
    /// for each mechanism): `gsasl_init` loads and sets up every mechanism,
    /// which costs more than the question. Made once, on first use, and
    /// kept for the life of the process; it is only read from.
    private nonisolated(unsafe) static let queryContext: OpaquePointer? = {
        var context: OpaquePointer?
        guard gsasl_init(&context) == Int32(GSASL_OK.rawValue) else { return nil }
        return context
    }()

    public static func supportsClient(_ mechanism: String) -> Bool {
        guard let context = queryContext else { return false }
        return gsasl_client_support_p(context, mechanism) != 0
    }
}
