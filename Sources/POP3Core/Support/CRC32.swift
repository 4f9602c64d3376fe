/// CRC-32 as in zlib and PNG (reflected polynomial 0xEDB88320), fed piece
/// by piece: the journal checksums its records with it, and the mbox sink
/// the bytes it appends, so that a later run can tell them from others'.
struct CRC32 {
    private var state: UInt32 = 0xFFFF_FFFF

    /// The checksum of everything fed so far.
    var value: UInt32 { ~state }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            }
        }
        state = crc
    }

    /// The checksum of `bytes` alone.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// The CRC-32 of each byte value, the usual 256-entry table.
    private static let table: [UInt32] = (0..<256).map { (value: UInt32) in
        var crc = value
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }
}
