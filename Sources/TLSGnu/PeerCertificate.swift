import CGnuTLS
import Glibc
import POP3Core

/// The server's leaf certificate, parsed.
final class PeerCertificate {
    private let certificate: gnutls_x509_crt_t

    /// The first certificate the peer sent, or `nil` if it sent none or
    /// GnuTLS cannot parse it.
    init?(session: gnutls_session_t) {
        var count: UInt32 = 0
        guard let list = gnutls_certificate_get_peers(session, &count), count > 0 else { return nil }
        var certificate: gnutls_x509_crt_t?
        guard gnutls_x509_crt_init(&certificate) >= 0, let certificate else { return nil }
        guard gnutls_x509_crt_import(certificate, list, GNUTLS_X509_FMT_DER) >= 0 else {
            gnutls_x509_crt_deinit(certificate)
            return nil
        }
        self.certificate = certificate
    }

    deinit {
        gnutls_x509_crt_deinit(certificate)
    }

    /// The digest of the DER certificate, or `nil` if GnuTLS cannot compute it.
    func fingerprint(_ algorithm: gnutls_digest_algorithm_t, size: Int) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: size)
        var length = size
        guard gnutls_x509_crt_get_fingerprint(certificate, algorithm, &digest, &length) == 0,
              length == size else { return nil }
        return digest
    }

    /// What mpop prints about the certificate.
    var info: CertificateInfo? {
        guard let sha256 = fingerprint(GNUTLS_DIG_SHA256, size: 32),
              let sha1 = fingerprint(GNUTLS_DIG_SHA1, size: 20) else { return nil }
        let activation = gnutls_x509_crt_get_activation_time(certificate)
        let expiration = gnutls_x509_crt_get_expiration_time(certificate)
        guard activation >= 0, expiration >= 0 else { return nil }
        return CertificateInfo(subject: distinguishedName(issuer: false),
                               issuer: distinguishedName(issuer: true),
                               activationTime: Int64(activation), expirationTime: Int64(expiration),
                               sha256Fingerprint: sha256, sha1Fingerprint: sha1)
    }

    /// The subject or issuer as mpop prints it, or `""` if GnuTLS has none.
    /// mpop shows the RDNs in certificate order (`C=DE,O=Org,CN=host`), which
    /// is GnuTLS's compatibility form, not the reversed RFC 4514 order.
    private func distinguishedName(issuer: Bool) -> String {
        var datum = gnutls_datum_t()
        let code = issuer ? gnutls_x509_crt_get_issuer_dn3(certificate, &datum, UInt32(GNUTLS_X509_DN_FLAG_COMPAT))
                          : gnutls_x509_crt_get_dn3(certificate, &datum, UInt32(GNUTLS_X509_DN_FLAG_COMPAT))
        guard code >= 0, let data = datum.data else { return "" }
        defer { cgnutls_free(data) }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(datum.size)), as: UTF8.self)
    }
}
