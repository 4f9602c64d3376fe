/// One line of the UIDLs journal: a UID delivered for a host and user.
///
/// ```
/// pop.example.org alice uid%20with%20spaces 1c291ca3
/// ```
///
/// The three fields are percent-encoded (`%`, space, control bytes, DEL and
/// every byte from 0x80 up become `%XX`), so any UID survives; the last
/// field is the CRC-32 of the text before it, in eight lowercase hex
/// digits. A line that does not end in a line feed, or whose checksum does
/// not match, was torn by a crash or damaged and is ignored.
///
/// A pending record (``UIDLsFile/recordPending(_:proof:host:user:)``) has
/// two more fields before the checksum, the proof's path and size:
///
/// ```
/// pop.example.org alice 42 /home/alice/Mail/new/1700000000.M1P2Q3.host 1234 5d2e8a10
/// ```
public struct UIDLsJournalRecord: Equatable, Sendable {
    public var host: String
    public var user: String
    public var uid: [UInt8]
    /// For a pending record: the delivery counts only if this holds.
    public var proof: DeliveryProof?

    public init(host: String, user: String, uid: [UInt8], proof: DeliveryProof? = nil) {
        self.host = host
        self.user = user
        self.uid = uid
        self.proof = proof
    }

    /// The comment the journal starts with, for a person who finds it.
    public static let header = Array(
        "# mpop UIDLs journal: HOST USER UID CRC-32, percent-encoded; folded into the UIDLs file on its next save\n".utf8)

    /// The record as one line, with its line feed.
    public var encoded: [UInt8] {
        var text: [UInt8] = []
        encode(into: &text)
        return text
    }

    /// Appends ``encoded`` to `text`: the fields are percent-encoded
    /// straight into `text`'s storage, grown once, and checksummed there
    /// (the journal writes one record per delivered message).
    func encode(into text: inout [UInt8]) {
        let start = text.count
        var path = proof?.path
        let size = proof.map { String($0.size) }
        let longest = 3 * (host.utf8.count + user.utf8.count + uid.count + (path?.utf8.count ?? 0))
            + (size?.utf8.count ?? 0) + 16
        text.append(contentsOf: repeatElement(0, count: longest))
        var host = host, user = user
        let end = text.withUnsafeMutableBufferPointer { buffer -> Int in
            var writer = FieldWriter(base: buffer.baseAddress!, position: start)
            host.withUTF8 { writer.percentEncode($0) }
            writer.put(UInt8(ascii: " "))
            user.withUTF8 { writer.percentEncode($0) }
            writer.put(UInt8(ascii: " "))
            uid.withUnsafeBufferPointer { writer.percentEncode($0) }
            if path != nil, var size {
                writer.put(UInt8(ascii: " "))
                path!.withUTF8 { writer.percentEncode($0) }
                writer.put(UInt8(ascii: " "))
                size.withUTF8 { writer.copy($0) }
            }
            let checksum = Self.crc32(UnsafeBufferPointer(start: buffer.baseAddress! + start,
                                                          count: writer.position - start))
            writer.put(UInt8(ascii: " "))
            for shift in stride(from: 28, through: 0, by: -4) {
                writer.put(Self.lowerHexDigits[Int((checksum >> UInt32(shift)) & 15)])
            }
            writer.put(UInt8(ascii: "\n"))
            return writer.position
        }
        text.removeLast(text.count - end)
    }

    /// Writes into storage known to be large enough.
    private struct FieldWriter {
        let base: UnsafeMutablePointer<UInt8>
        var position: Int

        mutating func put(_ byte: UInt8) {
            base[position] = byte
            position += 1
        }

        mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
            for byte in bytes { put(byte) }
        }

        mutating func percentEncode(_ bytes: UnsafeBufferPointer<UInt8>) {
            for byte in bytes {
                if byte <= 0x20 || byte >= 0x7f || byte == UInt8(ascii: "%") {
                    put(UInt8(ascii: "%"))
                    put(UIDLsJournalRecord.upperHexDigits[Int(byte >> 4)])
                    put(UIDLsJournalRecord.upperHexDigits[Int(byte & 15)])
                } else {
                    put(byte)
                }
            }
        }
    }

    /// The intact records of a journal's text, in order. Comment lines,
    /// damaged lines and a last line without its line feed are skipped.
    public static func decodeAll(_ bytes: [UInt8]) -> [UIDLsJournalRecord] {
        var records: [UIDLsJournalRecord] = []
        var start = 0
        while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if let record = decode(bytes[start..<end]) {
                records.append(record)
            }
            start = end + 1
        }
        return records
    }

    /// One line without its line feed, or `nil` when it is not an intact record.
    static func decode(_ line: ArraySlice<UInt8>) -> UIDLsJournalRecord? {
        guard line.first != UInt8(ascii: "#") else { return nil }
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == 4 || fields.count == 6, let last = fields.last,
              last.count == 8, last.allSatisfy({ hexValue($0) != nil }),
              let checksum = UInt32(String(decoding: last, as: UTF8.self), radix: 16),
              crc32(Array(line[line.startIndex..<last.startIndex - 1])) == checksum,
              let host = percentDecode(fields[0]), let user = percentDecode(fields[1]),
              let uid = percentDecode(fields[2]) else {
            return nil
        }
        var proof: DeliveryProof?
        if fields.count == 6 {
            guard let path = percentDecode(fields[3]),
                  let size = Int64(String(decoding: fields[4], as: UTF8.self)) else { return nil }
            proof = DeliveryProof(path: String(decoding: path, as: UTF8.self), size: size)
        }
        return UIDLsJournalRecord(host: String(decoding: host, as: UTF8.self),
                                  user: String(decoding: user, as: UTF8.self), uid: uid, proof: proof)
    }

    static func percentEncode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        percentEncode(bytes, into: &output)
        return output
    }

    static func percentEncode<Bytes: Sequence<UInt8>>(_ bytes: Bytes, into output: inout [UInt8]) {
        for byte in bytes {
            if byte <= 0x20 || byte >= 0x7f || byte == UInt8(ascii: "%") {
                output.append(UInt8(ascii: "%"))
                output.append(upperHexDigits[Int(byte >> 4)])
                output.append(upperHexDigits[Int(byte & 15)])
            } else {
                output.append(byte)
            }
        }
    }

    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// CRC-32 as in zlib and PNG (reflected polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { crc32($0) }
    }

    /// Table-driven, a byte at a time: the journal checksums every record.
    static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        crcTable.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            }
        }
        return ~crc
    }

    /// The CRC-32 of each byte value, the usual 256-entry table.
    private static let crcTable: [UInt32] = (0..<256).map { (value: UInt32) in
        var crc = value
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    fileprivate static let upperHexDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerHexDigits = Array("0123456789abcdef".utf8)
}
