/// The percentages mpop prints while a message arrives (§4.3), reproduced
/// byte for byte: received bytes are counted after dot-unstuffing, a
/// stuffed line counts one byte less again (mpop's off-by-one), and each line
/// end counts 1, or 2 once a previous message showed that the server counts
/// CRLF as two bytes.
public struct TransferProgress: Sendable {
    /// The LIST size; no percentages when it is 0.
    public let size: Int64
    public let newlineCountsTwo: Bool
    /// The bytes counted so far.
    public private(set) var received: Int64 = 0
    /// The last percentage reported (the start line shows 0).
    public private(set) var lastPercent = 0

    public init(size: Int64, newlineCountsTwo: Bool) {
        self.size = size
        self.newlineCountsTwo = newlineCountsTwo
    }

    /// Counts a piece; returns the new percentage when it rose.
    public mutating func add(count: Int, wasStuffed: Bool, endsLine: Bool) -> Int? {
        received += Int64(count)
        if wasStuffed { received -= 1 }
        if endsLine { received += newlineCountsTwo ? 2 : 1 }
        guard size > 0 else { return nil }
        var percent = Int(Float(received) / Float(size) * 100.0)
        if percent > 99 { percent = 99 }
        guard percent > lastPercent else { return nil }
        lastPercent = percent
        return percent
    }
}
