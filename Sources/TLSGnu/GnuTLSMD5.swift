import CGnuTLS
import POP3Core

/// MD5 for APOP, from GnuTLS (`gnutls_hash_fast`).
public struct GnuTLSMD5: MD5Digester {
    public init() {}

    public func md5(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 16)
        let status = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { output in
                gnutls_hash_fast(GNUTLS_DIG_MD5, input.baseAddress, input.count, output.baseAddress)
            }
        }
        // MD5 over memory cannot fail unless the library is broken (or in
        // FIPS mode, where APOP is not allowed at all).
        precondition(status == 0, "gnutls_hash_fast(MD5) failed: \(status)")
        return digest
    }
}
