#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// The TLS block of `--serverinfo` and `--debug` (mpop `mtls_print_info`).
enum TLSInfoText {
    static func text(sessionDescription: String?, certificate: CertificateInfo?) -> String {
        var text = "TLS session parameters:\n"
        text += "    \(sessionDescription ?? "not available")\n"
        guard let certificate else { return text }
        text += "TLS certificate information:\n"
        text += "    Subject:\n        \(certificate.subject)\n"
        text += "    Issuer:\n        \(certificate.issuer)\n"
        text += "    Validity:\n"
        text += "        Activation time: \(localTime(certificate.activationTime))\n"
        text += "        Expiration time: \(localTime(certificate.expirationTime))\n"
        text += "    Fingerprints:\n"
        text += "        SHA256: \(hex(certificate.sha256Fingerprint))\n"
        if certificate.sha1Fingerprint.contains(where: { $0 != 0 }) {
            text += "        SHA1 (deprecated): \(hex(certificate.sha1Fingerprint))\n"
        }
        return text
    }

    /// Uppercase hex pairs joined by colons.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return bytes.map { String(decoding: [digits[Int($0 >> 4)], digits[Int($0 & 15)]], as: UTF8.self) }
            .joined(separator: ":")
    }

    /// `strftime("%c")` in local time, as mpop; in the C locale this is
    /// ctime's format without the newline.
    static func localTime(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var tm = Glibc.tm()
        localtime_r(&t, &tm)
        var buffer = [CChar](repeating: 0, count: 128)
        let count = strftime(&buffer, buffer.count, "%c", &tm)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
