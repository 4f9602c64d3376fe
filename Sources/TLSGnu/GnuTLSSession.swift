import CGnuTLS
import Glibc
import POP3Core

/// A GnuTLS client session and its certificate credentials, set up from an
/// account's TLS settings as mpop's `mtls_init` does; freed on deinit.
final class GnuTLSSession: TLSPreparation {
    let session: gnutls_session_t
    private let credentials: gnutls_certificate_credentials_t
    /// Whether a trust store was loaded, which is what makes verification
    /// status bits count (mpop's `have_trust_file`).
    let hasTrust: Bool
    /// The PIN handed to PKCS#11, kept alive while GnuTLS may ask for it.
    private var pin: UnsafeMutablePointer<CChar>?

    /// - Throws: ``TLSError/library(_:)`` (70) when GnuTLS refuses the
    ///   priorities or cannot allocate; ``TLSError/file(_:)`` (66) for an
    ///   unusable key, certificate, trust or CRL file.
    init(settings: TLSSettings) throws(TLSError) {
        var session: gnutls_session_t?
        var code = gnutls_init(&session, UInt32(GNUTLS_CLIENT))
        guard code == 0, let session else {
            throw .library("cannot initialize TLS session: \(Self.text(code))")
        }
        var credentials: gnutls_certificate_credentials_t?
        code = gnutls_certificate_allocate_credentials(&credentials)
        guard code >= 0, let credentials else {
            gnutls_deinit(session)
            throw .library("cannot allocate certificate for TLS session: \(Self.text(code))")
        }
        self.session = session
        self.credentials = credentials
        let wantsTrust = settings.certCheck && settings.fingerprint == nil && settings.trustFile != nil
        hasTrust = wantsTrust

        try setPriorities(settings.priorities)
        if let bits = settings.minDHPrimeBits, bits >= 0 {
            gnutls_dh_set_prime_bits(session, UInt32(bits))
        }
        if let keyFile = settings.keyFile, let certFile = settings.certFile {
            try loadClientCertificate(keyFile: keyFile, certFile: certFile, pin: settings.pin)
        }
        if wantsTrust, let trustFile = settings.trustFile {
            try loadTrust(trustFile, crlFile: settings.crlFile)
        }
        code = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(credentials))
        guard code >= 0 else {
            throw .library("cannot set credentials for TLS session: \(Self.text(code))")
        }
        // SNI always carries the configured name, even an IP address, as mpop sends it.
        let name = Array(settings.serverName.utf8)
        _ = name.withUnsafeBytes { gnutls_server_name_set(session, GNUTLS_NAME_DNS, $0.baseAddress, $0.count) }
    }

    deinit {
        gnutls_deinit(session)
        gnutls_certificate_free_credentials(credentials)
        if let pin {
            gnutls_pkcs11_set_pin_function(nil, nil)
            memset(pin, 0, strlen(pin))
            free(pin)
        }
    }

    private func setPriorities(_ priorities: String?) throws(TLSError) {
        guard let priorities else {
            let code = gnutls_set_default_priority(session)
            if code != 0 {
                throw .library("cannot set default priority for TLS session: \(Self.text(code))")
            }
            return
        }
        let failure: TLSError? = priorities.withCString { start in
            var errorPosition: UnsafePointer<CChar>?
            let code = gnutls_priority_set_direct(session, start, &errorPosition)
            guard code != 0 else { return nil }
            if let errorPosition {
                return .library("cannot set priorities for TLS session: error in priority string at position \(errorPosition - start + 1)")
            }
            return .library("cannot set priorities for TLS session: \(Self.text(code))")
        }
        if let failure { throw failure }
    }

    private func loadClientCertificate(keyFile: String, certFile: String, pin secret: Secret?) throws(TLSError) {
        if let secret {
            pin = strdup(secret.exposedValue)
            gnutls_pkcs11_set_pin_function({ userdata, _, _, _, _, buffer, capacity in
                guard let userdata, let buffer else { return 1 }
                let pin = userdata.assumingMemoryBound(to: CChar.self)
                let length = strlen(pin)
                guard length < capacity else { return 1 }
                memcpy(buffer, pin, length + 1)
                return 0
            }, pin)
        }
        let code = gnutls_certificate_set_x509_key_file(credentials, certFile, keyFile, GNUTLS_X509_FMT_PEM)
        if code < 0 {
            throw .file("cannot set X509 key file \(keyFile) and/or X509 cert file \(certFile) for TLS session: \(Self.text(code))")
        }
    }

    private func loadTrust(_ trustFile: String, crlFile: String?) throws(TLSError) {
        if trustFile == "system" {
            let code = gnutls_certificate_set_x509_system_trust(credentials)
            if code < 0 {
                throw .library("cannot set X509 system trust for TLS session: \(Self.text(code))")
            }
        } else {
            // Zero certificates loaded is a failure too, as in mpop.
            let code = gnutls_certificate_set_x509_trust_file(credentials, trustFile, GNUTLS_X509_FMT_PEM)
            if code <= 0 {
                throw .file("cannot set X509 trust file \(trustFile) for TLS session: \(Self.text(code))")
            }
        }
        if let crlFile {
            let code = gnutls_certificate_set_x509_crl_file(credentials, crlFile, GNUTLS_X509_FMT_PEM)
            if code < 0 {
                throw .file("cannot set X509 CRL file \(crlFile) for TLS session: \(Self.text(code))")
            }
        }
    }

    /// `gnutls_strerror(code)`.
    static func text(_ code: Int32) -> String {
        String(cString: gnutls_strerror(code))
    }
}
