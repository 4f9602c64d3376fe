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
///
/// The UIDs go into one ``UIDSequence`` as they arrive, without a string
/// per UID; a listing out of order is put in order by ``finish()``. A
/// listing whose UIDs hold more than 4 GiB together is refused as invalid.
public struct UniqueIDListing: Sendable, Equatable {
    /// The UIDs in the order their lines came.
    private var arrived = UIDSequence()
    private let messageCount: Int
    /// Empty while the lines came in message order (then message `n` is
    /// `arrived[n - 1]`, and no number can have come twice); after the
    /// first line out of order, `positions[n - 1]` is 1 + the index in
    /// `arrived` of message `n`'s UID, or 0 while it has not come.
    private var positions: [UInt32] = []

    public init(messageCount: Int) {
        self.messageCount = messageCount
        arrived.reserveCapacity(count: messageCount, bytes: 0)
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
        guard let (number, rest) = ListingNumber.parse(line), number >= 1, number <= messageCount,
              positions.isEmpty ? number > arrived.count : positions[number - 1] == 0 else {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        var start = rest.startIndex
        let end = rest.endIndex
        while start < end && line[start] == UInt8(ascii: " ") { start += 1 }
        guard start < end, arrived.canAppend(count: end - start) else {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        for index in start..<end where line[index] < 32 || line[index] >= 127 {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        if arrived.isEmpty {
            // Most servers' UIDs are all of one length.
            arrived.reserveCapacity(count: messageCount, bytes: messageCount * (end - start))
        }
        if positions.isEmpty && number != arrived.count + 1 {
            positions = [UInt32](repeating: 0, count: messageCount)
            for index in 0..<arrived.count { positions[index] = UInt32(index + 1) }
        }
        arrived.append(UnsafeRawBufferPointer(rebasing: line[start..<end]))
        if !positions.isEmpty { positions[number - 1] = UInt32(arrived.count) }
    }

    /// Checks that every message was listed.
    /// - Returns: the UID of message `i + 1` at index `i`.
    public func finish() throws(POP3Error) -> UIDSequence {
        guard arrived.count == messageCount else { throw .invalidReplyTo(command: "UIDL", serverMessage: nil) }
        if positions.isEmpty { return arrived }
        var uids = UIDSequence()
        uids.reserveCapacity(count: messageCount, bytes: arrived.bytes.count)
        for position in positions {
            uids.append(arrived, at: Int(position) - 1)
        }
        return uids
    }
}
