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
            throw .certificate(reason: Self.describe(status), hint: Self.hint(status, settings: settings))
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
        guard actual == pinned else {
            throw .certificate(reason: TLSError.fingerprintMismatch, hint: """
                the server's certificate is not the pinned one; if it was renewed, compare the new \
                fingerprint (mpop --serverinfo --tls-certcheck=off) with the one your provider \
                publishes, then update tls_fingerprint
                """)
        }
    }

    /// What the user can change about a refused certificate, from the most
    /// telling of the status bits.
    static func hint(_ status: UInt32, settings: TLSSettings) -> String? {
        func has(_ flag: gnutls_certificate_status_t) -> Bool { status & flag.rawValue != 0 }
        if has(GNUTLS_CERT_REVOKED) {
            return "the server's certificate is revoked (tls_crl_file): do not connect to this server"
        }
        if has(GNUTLS_CERT_EXPIRED) {
            return "the server's certificate has expired: tell the server's administrator, "
                + "or check this computer's clock"
        }
        if has(GNUTLS_CERT_NOT_ACTIVATED) {
            return "the server's certificate is not valid yet: check this computer's clock"
        }
        if has(GNUTLS_CERT_SIGNER_NOT_FOUND) || has(GNUTLS_CERT_SIGNER_NOT_CA) {
            let store = settings.trustFile == "system" || settings.trustFile == nil
                ? "the system's trust store" : settings.trustFile!
            return "the certificate's issuer is not in \(store): set tls_trust_file to the certificate "
                + "of the CA that issued it, or pin the server's certificate with tls_fingerprint"
        }
        if has(GNUTLS_CERT_UNEXPECTED_OWNER) {
            return "the certificate is not for \(settings.serverName): set host to a name it was issued "
                + "for, or set tls_host_override (see mpop --serverinfo --tls-certcheck=off)"
        }
        return nil
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
