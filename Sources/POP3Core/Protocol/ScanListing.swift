/// The sizes of all messages, from a multi-line `LIST` reply (RFC 1939 §5).
///
///     C: LIST
///     S: +OK 2 messages
///     S: 1 120
///     S: 2 200
///     S: .
///
/// As in mpop's `pop3_list`: every message number 1…count must appear exactly
/// once; a size that is not a number counts as 0.
public struct ScanListing: Sendable, Equatable {
    /// `sizes[i]` is the size of message `i + 1`.
    public private(set) var sizes: MessageSizes
    private var seen: [Bool]
    private var missing: Int

    public init(messageCount: Int) {
        sizes = MessageSizes(count: messageCount)
        seen = Array(repeating: false, count: messageCount)
        missing = messageCount
    }

    /// Takes in one scan line.
    /// - Throws: ``POP3Error/invalidReplyTo(command:serverMessage:)`` for a bad
    ///   or repeated message number.
    public mutating func absorb(line: [UInt8]) throws(POP3Error) {
        try line.withUnsafeBytes { (bytes) -> Result<Void, POP3Error> in
            Result { () throws(POP3Error) in try absorb(line: bytes) }
        }.get()
    }

    /// ``absorb(line:)`` for a line in a reader's buffer.
    public mutating func absorb(line: UnsafeRawBufferPointer) throws(POP3Error) {
        guard let (number, rest) = ListingNumber.parse(line), number >= 1, number <= sizes.count,
              !seen[number - 1] else {
            throw .invalidReplyTo(command: "LIST", serverMessage: nil)
        }
        seen[number - 1] = true
        missing -= 1
        sizes[number - 1] = ListingNumber.size(rest)
    }

    /// Checks that every message was listed.
    /// - Throws: ``POP3Error/invalidReplyTo(command:serverMessage:)`` otherwise.
    public func finish() throws(POP3Error) -> MessageSizes {
        guard missing == 0 else { throw .invalidReplyTo(command: "LIST", serverMessage: nil) }
        return sizes
    }
}

/// Number parsing shared by the LIST, UIDL and STAT grammars.
enum ListingNumber {
    /// A leading decimal message number and the bytes after it; `nil`
    /// without digits or when the number does not fit.
    static func parse<Bytes: RandomAccessCollection<UInt8>>(_ line: Bytes) -> (Int, Bytes.SubSequence)?
        where Bytes.Index == Int {
        var index = line.startIndex
        var value = 0
        while index < line.endIndex, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            if value > 100_000_000 { return nil }
            value = value * 10 + Int(line[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > line.startIndex else { return nil }
        return (value, line[index...])
    }

    /// A size after blanks, as `strtoll` reads it; 0 when there is none or it
    /// is negative or too large.
    static func size<Bytes: RandomAccessCollection<UInt8>>(_ rest: Bytes) -> Int64 where Bytes.Index == Int {
        var index = rest.startIndex
        while index < rest.endIndex, rest[index] == UInt8(ascii: " ") || rest[index] == UInt8(ascii: "\t") {
            index += 1
        }
        var value: Int64 = 0
        let digitsStart = index
        while index < rest.endIndex, rest[index] >= UInt8(ascii: "0"), rest[index] <= UInt8(ascii: "9") {
            let (product, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = product.addingReportingOverflow(Int64(rest[index] - UInt8(ascii: "0")))
            if o1 || o2 { return 0 }
            value = sum
            index += 1
        }
        return index > digitsStart ? value : 0
    }
}
