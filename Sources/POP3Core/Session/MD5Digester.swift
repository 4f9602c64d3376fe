/// MD5, the one digest POP3 itself needs: APOP sends
/// `md5hex(timestamp + password)` (RFC 1939 §7). Implemented by the
/// `TLSGnu` target over GnuTLS, so that no cryptography is written here.
public protocol MD5Digester: Sendable {
    /// The 16-byte MD5 digest of `bytes`.
    func md5(_ bytes: [UInt8]) -> [UInt8]
}

extension MD5Digester {
    /// The digest in lowercase hex, as APOP sends it.
    public func md5Hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in md5(bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
