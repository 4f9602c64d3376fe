/// The unique IDs of all messages, from a multi-line `UIDL` reply (RFC 1939 §7).
///
///     C: UIDL
///     S: +OK
///     S: 1 whqtswO00WBw418f9t5JxYwZ
///     S: 2 QhdPYR:00WBw1Ph7x7
///     S: .
///
/// As in mpop's `pop3_uidl`: every message number 1…count must appear
/// exactly once; any number of spaces may separate number and UID; a UID must
/// be non-empty and hold only printable ASCII (bytes 32…126; mpop's signed
/// `char` also rejects bytes ≥ 0x80, and so do we, to read the same UIDs).
public struct UniqueIDListing: Sendable, Equatable {
    /// `uids[i]` is the UID of message `i + 1`.
    public private(set) var uids: [String]
    private var missing: Int

    public init(messageCount: Int) {
        uids = Array(repeating: "", count: messageCount)
        missing = messageCount
    }

    /// Takes in one unique-id line.
    /// - Throws: ``POP3Error/invalidReplyTo(command:serverMessage:)`` for a bad
    ///   or repeated message number or a bad UID.
    public mutating func absorb(line: [UInt8]) throws(POP3Error) {
        try absorbLine(line)
    }

    /// ``absorb(line:)`` for a line in a reader's buffer.
    public mutating func absorb(line: UnsafeRawBufferPointer) throws(POP3Error) {
        try absorbLine(line)
    }

    private mutating func absorbLine<Bytes: RandomAccessCollection<UInt8>>(_ line: Bytes) throws(POP3Error)
        where Bytes.Index == Int {
        guard let (number, rest) = ListingNumber.parse(line), number >= 1, number <= uids.count,
              uids[number - 1].isEmpty else {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        var uid = rest
        while uid.first == UInt8(ascii: " ") { uid = uid.dropFirst() }
        guard !uid.isEmpty, uid.allSatisfy({ $0 >= 32 && $0 < 127 }) else {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        uids[number - 1] = String(decoding: uid, as: UTF8.self)
        missing -= 1
    }

    /// Checks that every message was listed.
    public func finish() throws(POP3Error) -> [String] {
        guard missing == 0 else { throw .invalidReplyTo(command: "UIDL", serverMessage: nil) }
        return uids
    }
}
