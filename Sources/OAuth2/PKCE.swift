import CGnuTLS
import POP3Core

/// Proof Key for Code Exchange (RFC 7636) with the `S256` method, and the
/// `state` that ties the redirect to the request (RFC 6749 §10.12).
public struct PKCE: Sendable {
    /// The code verifier: 32 random bytes, base64url (43 characters, §4.1).
    public let verifier: Secret
    /// `BASE64URL(SHA256(verifier))` (§4.2).
    public let challenge: String
    /// 16 random bytes, base64url.
    public let state: String

    /// Fresh random values from GnuTLS's generator.
    public init() {
        self.init(verifier: Self.base64URL(Self.randomBytes(32)), state: Self.base64URL(Self.randomBytes(16)))
    }

    /// Given values, for tests against RFC 7636's Appendix B.
    public init(verifier: String, state: String) {
        self.verifier = Secret(verifier)
        self.challenge = Self.base64URL(Self.sha256(Array(verifier.utf8)))
        self.state = state
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBytes { gnutls_rnd(GNUTLS_RND_KEY, $0.baseAddress, count) }
        precondition(status == 0, "gnutls_rnd failed: \(status)")
        return bytes
    }

    static func sha256(_ input: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let status = input.withUnsafeBytes { bytes in
            digest.withUnsafeMutableBytes { output in
                gnutls_hash_fast(GNUTLS_DIG_SHA256, bytes.baseAddress, bytes.count, output.baseAddress)
            }
        }
        precondition(status == 0, "gnutls_hash_fast(SHA256) failed: \(status)")
        return digest
    }

    /// Base64 with the URL alphabet and no padding (RFC 4648 §5).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        String(Base64.encode(bytes).compactMap { character -> Character? in
            switch character {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: character
            }
        })
    }
}
