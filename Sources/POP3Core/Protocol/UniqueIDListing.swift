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
///
/// Given the UIDs stored from the last session (`expected`), a listing
/// that begins with exactly those, in their order, keeps none of its own
/// bytes for them: a mailbox polled again with nothing new costs no second
/// copy of its UIDs, and ``finish()`` hands back `expected` itself.
public struct UniqueIDListing: Sendable, Equatable {
    /// The UIDs in the order their lines came, once they differ from
    /// `expected` (until then they are its first `matched` UIDs).
    private var arrived = UIDSequence()
    private let messageCount: Int
    private let expected: UIDSequence
    /// How many lines, from message 1 on in order, matched `expected`
    /// before the first that did not.
    private var matched = 0
    /// Whether a line did not match `expected` (then `arrived` holds the
    /// UIDs, the matched ones included).
    private var diverged = false
    /// Empty while the lines came in message order (then message `n` is
    /// `arrived[n - 1]`, and no number can have come twice); after the
    /// first line out of order, `positions[n - 1]` is 1 + the index in
    /// `arrived` of message `n`'s UID, or 0 while it has not come.
    private var positions: [UInt32] = []

    /// A listing of `messageCount` messages; `expected` is what it is
    /// likely to hold (see above), empty when nothing is known.
    public init(messageCount: Int, expected: UIDSequence = UIDSequence()) {
        self.messageCount = messageCount
        self.expected = expected
        diverged = expected.isEmpty
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
              diverged || number > matched else {
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
        let uid = UnsafeRawBufferPointer(rebasing: line[start..<end])
        if !diverged {
            if number == matched + 1 && matched < expected.count && expected.uid(at: matched, equals: uid) {
                matched += 1
                return
            }
            // From here on the listing keeps its own UIDs, the matched ones first.
            diverged = true
            arrived.reserveCapacity(count: messageCount, bytes: Self.likelySize(messageCount: messageCount, uid: uid))
            for index in 0..<matched { arrived.append(expected, at: index) }
            // A number that came already (a repeated line) is refused below.
        }
        guard positions.isEmpty ? number > arrived.count : positions[number - 1] == 0 else {
            throw .invalidReplyTo(command: "UIDL", serverMessage: nil)
        }
        if arrived.isEmpty {
            arrived.reserveCapacity(count: messageCount, bytes: Self.likelySize(messageCount: messageCount, uid: uid))
        }
        if positions.isEmpty && number != arrived.count + 1 {
            positions = [UInt32](repeating: 0, count: messageCount)
            for index in 0..<arrived.count { positions[index] = UInt32(index + 1) }
        }
        arrived.append(uid)
        if !positions.isEmpty { positions[number - 1] = UInt32(arrived.count) }
    }

    /// What the UIDs of `messageCount` messages likely take, guessed from
    /// one: most servers' UIDs are all of one length. At most 64 MiB, so a
    /// hostile first line reserves nothing absurd.
    private static func likelySize(messageCount: Int, uid: UnsafeRawBufferPointer) -> Int {
        min(messageCount * uid.count, 1 << 26)
    }

    /// Checks that every message was listed.
    /// - Returns: the UID of message `i + 1` at index `i`.
    public func finish() throws(POP3Error) -> UIDSequence {
        if !diverged {
            guard matched == messageCount else { throw .invalidReplyTo(command: "UIDL", serverMessage: nil) }
            if matched == expected.count { return expected }
            var uids = UIDSequence()
            for index in 0..<matched { uids.append(expected, at: index) }
            return uids
        }
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
