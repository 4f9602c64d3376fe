import CGSASL
import POP3Core
import Synchronization

/// The client side of one SASL exchange through GNU SASL
/// (`gsasl_client_start`, then `gsasl_step64` per round trip).
///
/// All properties are set on the session before the first step, as mpop
/// does: service `pop`, the authentication identity (the user), the
/// password, the authorization identity only when one is given, the host
/// name, the realm (`ntlmdomain`), and for a `-PLUS` mechanism the channel
/// binding in base64. Challenges and responses may be of any length; the
/// library allocates them.
///
/// Sessions on different threads (accounts served side by side) each have
/// their own library context; making and freeing contexts goes through one
/// lock, since `gsasl_init` sets up the library's crypto backend and the
/// mechanisms, which GNU SASL does not promise to do safely from two
/// threads at once.
public final class GSASLClientSession: SASLClientSession {
    private static let contexts = Mutex(())

    /// The mechanism name, uppercase, as given.
    public let mechanism: String
    private let context: OpaquePointer
    private let session: OpaquePointer
    private var stepsTaken = 0

    /// Starts the session.
    /// - Throws: ``AuthError/unsupported(mechanism:)`` when the library has
    ///   no client for `mechanism`; ``AuthError/library(_:)`` when it cannot
    ///   start or take a property.
    public init(mechanism: String, properties: SASLProperties) throws {
        self.mechanism = mechanism
        var context: OpaquePointer?
        let initialized = Self.contexts.withLock { _ in gsasl_init(&context) }
        guard initialized == Self.ok, let context else {
            throw AuthError.library(Self.describe(initialized))
        }
        guard gsasl_client_support_p(context, mechanism) != 0 else {
            Self.contexts.withLock { _ in gsasl_done(context) }
            throw AuthError.unsupported(mechanism: mechanism)
        }
        var session: OpaquePointer?
        let started = gsasl_client_start(context, mechanism, &session)
        guard started == Self.ok, let session else {
            Self.contexts.withLock { _ in gsasl_done(context) }
            throw AuthError.library(Self.describe(started))
        }
        self.context = context
        self.session = session
        try apply(properties)
    }

    deinit {
        gsasl_finish(session)
        Self.contexts.withLock { _ in gsasl_done(context) }
    }

    /// Runs one step; see ``SASLClientSession/step(challenge:)``.
    /// - Throws: ``AuthError/library(_:)`` with the library's text when the
    ///   mechanism refuses the challenge (for example a SCRAM server
    ///   signature that does not verify), as mpop reports it (exit 70).
    public func step(challenge: String?) throws -> (response: String, complete: Bool) {
        defer { stepsTaken += 1 }
        // GNU SASL 2.2.0's DIGEST-MD5 client reads past the end of a heap
        // block when a challenge that decodes to nothing follows its first
        // step (found by Fuzz/, target sasl). RFC 2831 §2.1.1 requires a
        // digest-challenge there, so refusing it costs nothing.
        if mechanism == "DIGEST-MD5", stepsTaken > 0, Self.decodesToNothing(challenge ?? "") {
            throw AuthError.library(Self.describe(Int32(GSASL_MECHANISM_PARSE_ERROR.rawValue)))
        }
        var output: UnsafeMutablePointer<CChar>?
        let result = gsasl_step64(session, challenge ?? "", &output)
        defer { gsasl_free(output) }
        guard result == Self.ok || result == Self.needsMore else {
            throw AuthError.library(Self.describe(result))
        }
        let response = output.map { String(cString: $0) } ?? ""
        return (response, result == Self.ok)
    }

    private func apply(_ properties: SASLProperties) throws {
        try set(GSASL_SERVICE, "pop")
        if let user = properties.user {
            try set(GSASL_AUTHID, user)
        }
        if let password = properties.password {
            try set(GSASL_PASSWORD, password.exposedValue)
        }
        if let authzid = properties.authzid {
            try set(GSASL_AUTHZID, authzid)
        }
        if let hostname = properties.hostname {
            try set(GSASL_HOSTNAME, hostname)
        }
        if let realm = properties.realm {
            try set(GSASL_REALM, realm)
        }
        // Binding data offered to a plain SCRAM client makes it send the
        // "y" flag, which a server that advertised -PLUS must treat as a
        // downgrade attack; only the -PLUS mechanisms get it.
        if mechanism.hasSuffix("-PLUS"), let binding = properties.channelBinding {
            let property = binding.kind == .tlsUnique ? GSASL_CB_TLS_UNIQUE : GSASL_CB_TLS_EXPORTER
            try set(property, try Self.base64(binding.data))
        }
    }

    private func set(_ property: Gsasl_property, _ value: String) throws {
        let result = gsasl_property_set(session, property, value)
        guard result == Self.ok else { throw AuthError.library(Self.describe(result)) }
    }

    static func base64(_ bytes: [UInt8]) throws -> String {
        var output: UnsafeMutablePointer<CChar>?
        var length = 0
        let result = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                gsasl_base64_to($0.baseAddress, $0.count, &output, &length)
            }
        }
        defer { gsasl_free(output) }
        guard result == ok, let output else { throw AuthError.library(describe(result)) }
        return String(cString: output)
    }

    /// Whether base64 `text`, as the library sees it (up to a NUL), holds
    /// fewer than the two data characters one decoded byte needs.
    static func decodesToNothing(_ text: String) -> Bool {
        var dataCharacters = 0
        for byte in text.utf8 {
            if byte == 0 { break }
            if byte != UInt8(ascii: "=") && !isBlank(byte) { dataCharacters += 1 }
            if dataCharacters >= 2 { return false }
        }
        return true
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 13 || byte == 10
    }

    static let ok = Int32(GSASL_OK.rawValue)
    static let needsMore = Int32(GSASL_NEEDS_MORE.rawValue)

    /// `gsasl_strerror`'s text for a return code.
    static func describe(_ code: Int32) -> String {
        gsasl_strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}
