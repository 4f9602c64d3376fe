import CGnuTLS
import POP3Core

/// mpop's `mtls_check_cert`: a pinned fingerprint, when set, decides alone
/// (leaf only, no host name or expiry check); otherwise GnuTLS verifies the
/// chain, the host name and the validity period against the trust store.
struct CertificateCheck {
    var settings: TLSSettings
    /// Whether a trust store was loaded; without one, mpop ignores the
    /// verification status bits and fails only when GnuTLS itself errs.
    var hasTrust: Bool

    /// - Throws: ``TLSError/certificate(reason:)`` (69).
    func verify(session: gnutls_session_t, leaf: PeerCertificate?) throws(TLSError) {
        if let pinned = settings.fingerprint {
            try verifyFingerprint(pinned, leaf: leaf)
            return
        }
        var status: UInt32 = 0
        let code = gnutls_certificate_verify_peers3(session, settings.serverName, &status)
        if code != 0 {
            throw .certificate(reason: GnuTLSSession.text(code))
        }
        if hasTrust && status != 0 {
            throw .certificate(reason: Self.describe(status))
        }
    }

    private func verifyFingerprint(_ pinned: [UInt8], leaf: PeerCertificate?) throws(TLSError) {
        guard let leaf else { throw .certificate(reason: "no certificate was found") }
        let actual: [UInt8]?
        switch pinned.count {
        case 32: actual = leaf.fingerprint(GNUTLS_DIG_SHA256, size: 32)
        case 20: actual = leaf.fingerprint(GNUTLS_DIG_SHA1, size: 20)
        case 16: actual = leaf.fingerprint(GNUTLS_DIG_MD5, size: 16)
        default: actual = nil
        }
        guard actual == pinned else { throw .certificate(reason: TLSError.fingerprintMismatch) }
    }

    /// GnuTLS's wording of verification status bits, e.g. `The certificate
    /// is NOT trusted. The certificate issuer is unknown. ` (with its
    /// trailing space).
    static func describe(_ status: UInt32) -> String {
        var text = gnutls_datum_t()
        guard gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) == 0,
              let data = text.data else { return "unknown error" }
        defer { cgnutls_free(data) }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(text.size)), as: UTF8.self)
    }
}
