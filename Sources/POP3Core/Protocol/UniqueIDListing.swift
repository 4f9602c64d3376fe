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
        try line.withUnsafeBytes { (bytes) -> Result<Void, POP3Error> in
            Result { () throws(POP3Error) in try absorb(line: bytes) }
        }.get()
    }

    /// ``absorb(line:)`` for a line in a reader's buffer.
    public mutating func absorb(line: UnsafeRawBufferPointer) throws(POP3Error) {
        guard let (number, rest) = ListingNumber.parse(line), number >= 1, number <= uids.count,
              uids[number - 1].isEmpty else {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        var start = rest.startIndex
        let end = rest.endIndex
        while start < end && line[start] == UInt8(ascii: " ") { start += 1 }
        guard start < end else { throw .invalidReplyTo(command: "UIDL", serverMessage: nil) }
        for index in start..<end where line[index] < 32 || line[index] >= 127 {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        let uid = UnsafeRawBufferPointer(rebasing: line[start..<end])
        uids[number - 1] = String(decoding: uid.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        missing -= 1
    }

    /// Checks that every message was listed.
    public func finish() throws(POP3Error) -> [String] {
        guard missing == 0 else { throw .invalidReplyTo(command: "UIDL", serverMessage: nil) }
        return uids
    }
}
