/// The LIST sizes of a mailbox's messages, 4 bytes each: a size of 4 GiB
/// or more (which no real server lists) goes into a side table. Element
/// `i` is the size of message `i + 1`; sizes are never negative.
public struct MessageSizes: RandomAccessCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    /// The sizes below `UInt32.max`; `UInt32.max` marks one in `large`.
    private var small: [UInt32]
    private var large: [Int: Int64] = [:]

    /// `count` sizes of 0.
    public init(count: Int) {
        small = [UInt32](repeating: 0, count: count)
    }

    public init(arrayLiteral sizes: Int64...) {
        self.init(count: sizes.count)
        for (index, size) in sizes.enumerated() { self[index] = size }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { small.count }

    /// The size of message `index + 1`; a negative size is stored as 0.
    public subscript(index: Int) -> Int64 {
        get {
            let size = small[index]
            return size == .max ? large[index]! : Int64(size)
        }
        set {
            if newValue >= Int64(UInt32.max) {
                small[index] = .max
                large[index] = newValue
            } else {
                small[index] = UInt32(Swift.max(newValue, 0))
                large[index] = nil
            }
        }
    }
}
