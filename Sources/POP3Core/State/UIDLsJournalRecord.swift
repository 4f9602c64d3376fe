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
/// Where the UIDLs file keeps first-seen times (mpop 1.4.23's format), a
/// delivered record carries the UNIX time its message was first seen, so
/// that a kill before the save loses no time:
///
/// ```
/// pop.example.org alice uid-1 1790000000 0e1f2a3b
/// ```
///
/// A pending record (``UIDLsFile/recordPending(_:proof:host:user:)``) has
/// two more fields before the checksum, the proof's path and size:
///
/// ```
/// pop.example.org alice 42 /home/alice/Mail/new/1700000000.M1P2Q3.host 1234 5d2e8a10
/// ```
///
/// A pending record for an mbox adds the message's offset and the CRC-32 of
/// its bytes (see ``DeliveryProof``):
///
/// ```
/// pop.example.org alice 42 /home/alice/mbox 1234 40960 9a3c01f2 77e1a0c4
/// ```
///
/// An append record (``AppendIntent``), written before each write into an
/// mbox, names the mbox, the message's start, the stretch written and the
/// CRC-32 of each of its pieces, comma-separated:
///
/// ```
/// pop.example.org alice 42 /home/alice/mbox 40960 40960 45056 0b1c2d3e 5f0e3a21
/// ```
///
/// A pending record for a delivery agent names the file its supervisor
/// writes the agent's status to, and the supervisor's pid:
///
/// ```
/// pop.example.org alice 42 /home/alice/.mpop_uidls/alice_at_host.mda-811.3 agent 812 1b2c3d4e
/// ```
///
/// The line that starts a batch of appends to an mbox (``MboxBatch``),
/// synced before the batch's first byte, names the mbox, its size then and
/// the CRC-32 of the UIDLs file, after the UID of the batch's first message:
///
/// ```
/// pop.example.org alice 42 /home/alice/mbox batch 40960 5f0e3a21 6a7b8c9d
/// ```
///
/// The records differ in their number of fields (4, 5, 6, 7, 8 and 9), and
/// where the number is the same, in their fifth field (`agent`, `batch`).
/// A journal of an earlier version has no 5-field records; one of ours
/// read by an earlier version loses only those records' messages, which
/// are then fetched again, never lost.
public struct UIDLsJournalRecord: Equatable, Sendable {
    public var host: String
    public var user: String
    public var uid: [UInt8]
    /// For a pending record: the delivery counts only if this holds.
    public var proof: DeliveryProof?
    /// For an append record: what was about to be appended.
    public var intent: AppendIntent?
    /// For the start of a batch of appends to an mbox.
    public var batch: MboxBatch?
    /// For a delivered record: when its message was first seen (UNIX time),
    /// where the UIDLs file keeps such times.
    public var firstSeen: Int64?

    public init(host: String, user: String, uid: [UInt8], proof: DeliveryProof? = nil, intent: AppendIntent? = nil,
                batch: MboxBatch? = nil, firstSeen: Int64? = nil) {
        precondition(firstSeen == nil || (proof == nil && intent == nil && batch == nil),
                     "only a delivered record carries a first-seen time")
        self.host = host
        self.user = user
        self.uid = uid
        self.proof = proof
        self.intent = intent
        self.batch = batch
        self.firstSeen = firstSeen
    }

    /// The fields after the UID, encoded: a pending record's proof or an
    /// append record's stretch.
    private var extraFields: [[UInt8]] {
        if let firstSeen {
            return [Array(String(firstSeen).utf8)]
        }
        if let batch {
            return [Self.percentEncode(Array(batch.path.utf8)), Array("batch".utf8), Array(String(batch.offset).utf8),
                    Self.hex(batch.uidlsChecksum)]
        }
        if let proof, let supervisor = proof.supervisor {
            return [Self.percentEncode(Array(proof.path.utf8)), Array("agent".utf8), Array(String(supervisor).utf8)]
        }
        if let proof {
            var fields = [Self.percentEncode(Array(proof.path.utf8)), Array(String(proof.size).utf8)]
            if let offset = proof.offset, let checksum = proof.checksum {
                fields += [Array(String(offset).utf8), Self.hex(checksum)]
            }
            return fields
        }
        if let intent {
            var pieces: [UInt8] = []
            for (index, checksum) in intent.pieceChecksums.enumerated() {
                if index > 0 { pieces.append(UInt8(ascii: ",")) }
                pieces += Self.hex(checksum)
            }
            if pieces.isEmpty { pieces = Array("-".utf8) }
            return [Self.percentEncode(Array(intent.path.utf8)), Array(String(intent.messageStart).utf8),
                    Array(String(intent.start).utf8), Array(String(intent.end).utf8), pieces]
        }
        return []
    }

    private static func hex(_ value: UInt32) -> [UInt8] {
        stride(from: 28, through: 0, by: -4).map { lowerHexDigits[Int((value >> UInt32($0)) & 15)] }
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
        let extra = (proof == nil && intent == nil && batch == nil && firstSeen == nil) ? [] : extraFields
        let longest = 3 * (host.utf8.count + user.utf8.count + uid.count)
            + extra.reduce(0) { $0 + $1.count + 1 } + 16
        text.append(contentsOf: repeatElement(0, count: longest))
        var host = host, user = user
        let end = text.withUnsafeMutableBufferPointer { buffer -> Int in
            var writer = FieldWriter(base: buffer.baseAddress!, position: start)
            host.withUTF8 { writer.percentEncode($0) }
            writer.put(UInt8(ascii: " "))
            user.withUTF8 { writer.percentEncode($0) }
            writer.put(UInt8(ascii: " "))
            uid.withUnsafeBufferPointer { writer.percentEncode($0) }
            for field in extra {
                writer.put(UInt8(ascii: " "))
                field.withUnsafeBufferPointer { writer.copy($0) }
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
            if let record = decode(afterHole(bytes[start..<end])) {
                records.append(record)
            }
            start = end + 1
        }
        return records
    }

    /// What follows the last zero byte of a line: a crash that lost a
    /// write of the journal but kept a later one leaves zeros where the
    /// lost write was, glued to the next line; no line has a zero byte of
    /// its own (the fields are percent-encoded), so the text after the
    /// zeros is a whole line of its own.
    static func afterHole(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let zero = line.lastIndex(of: 0) else { return line }
        return line[(zero + 1)...]
    }

    /// One line without its line feed, or `nil` when it is not an intact record.
    static func decode(_ line: ArraySlice<UInt8>) -> UIDLsJournalRecord? {
        guard line.first != UInt8(ascii: "#") else { return nil }
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard [4, 5, 6, 7, 8, 9].contains(fields.count), let last = fields.last,
              last.count == 8, last.allSatisfy({ hexValue($0) != nil }),
              let checksum = UInt32(String(decoding: last, as: UTF8.self), radix: 16),
              crc32(Array(line[line.startIndex..<last.startIndex - 1])) == checksum,
              let host = percentDecode(fields[0]), let user = percentDecode(fields[1]),
              let uid = percentDecode(fields[2]) else {
            return nil
        }
        var proof: DeliveryProof?
        var intent: AppendIntent?
        var batch: MboxBatch?
        var firstSeen: Int64?
        func number(_ field: ArraySlice<UInt8>) -> Int64? { Int64(String(decoding: field, as: UTF8.self)) }
        func checksumField(_ field: ArraySlice<UInt8>) -> UInt32? {
            field.count == 8 ? UInt32(String(decoding: field, as: UTF8.self), radix: 16) : nil
        }
        if fields.count == 5 {
            guard let time = number(fields[3]) else { return nil }
            firstSeen = time
        } else if fields.count == 8 && fields[4].elementsEqual("batch".utf8) {
            guard let path = percentDecode(fields[3]), let offset = number(fields[5]),
                  let sum = checksumField(fields[6]) else { return nil }
            batch = MboxBatch(path: String(decoding: path, as: UTF8.self), offset: offset, uidlsChecksum: sum)
        } else if fields.count == 6 || fields.count == 8 {
            guard let path = percentDecode(fields[3]), let size = number(fields[4]) else { return nil }
            proof = DeliveryProof(path: String(decoding: path, as: UTF8.self), size: size)
            if fields.count == 8 {
                guard let offset = number(fields[5]), let sum = checksumField(fields[6]) else { return nil }
                proof?.offset = offset
                proof?.checksum = sum
            }
        } else if fields.count == 7 {
            guard let path = percentDecode(fields[3]), fields[4].elementsEqual("agent".utf8),
                  let supervisor = Int32(String(decoding: fields[5], as: UTF8.self)) else { return nil }
            proof = DeliveryProof(outcomeFile: String(decoding: path, as: UTF8.self), supervisor: supervisor)
        } else if fields.count == 9 {
            guard let path = percentDecode(fields[3]), let messageStart = number(fields[4]),
                  let start = number(fields[5]), let end = number(fields[6]), start <= end else { return nil }
            var sums: [UInt32] = []
            if !fields[7].elementsEqual("-".utf8) {
                for field in fields[7].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    guard let sum = checksumField(field) else { return nil }
                    sums.append(sum)
                }
            }
            intent = AppendIntent(path: String(decoding: path, as: UTF8.self), messageStart: messageStart,
                                  start: start, end: end, pieceChecksums: sums)
            guard intent!.pieces.count == sums.count else { return nil }
        }
        return UIDLsJournalRecord(host: String(decoding: host, as: UTF8.self),
                                  user: String(decoding: user, as: UTF8.self), uid: uid, proof: proof, intent: intent,
                                  batch: batch, firstSeen: firstSeen)
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

    /// CRC-32 as in zlib and PNG (see ``CRC32``).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { CRC32.checksum($0) }
    }

    static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        CRC32.checksum(UnsafeRawBufferPointer(bytes))
    }

    fileprivate static let upperHexDigits = Array("0123456789ABCDEF".utf8)
    fileprivate static let lowerHexDigits = Array("0123456789abcdef".utf8)
}
