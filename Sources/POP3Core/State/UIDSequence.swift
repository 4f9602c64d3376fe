#if canImport(Glibc)
import Glibc
#endif

/// An ordered list of UIDs (byte strings) in one contiguous buffer: the
/// bytes of every UID one after the other, and where each one ends.
///
/// A mailbox of 100,000 messages lists 100,000 UIDs, each typically 16
/// bytes or more: as `[String]` or `[[UInt8]]` every one of them is a heap
/// object of its own (about 48–64 bytes with its header and the
/// allocator's rounding, plus the 8–16 byte reference). Here a UID costs
/// its bytes and a 4-byte end offset, and copying the whole list is two
/// buffer retains.
///
/// Contract: the UIDs hold at most `UInt32.max` bytes together
/// (``canAppend(count:)`` tells whether one more fits; ``append(_:)``
/// traps beyond it). UIDs may be empty, repeated, and any bytes.
public struct UIDSequence: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    /// The UIDs' bytes, back to back.
    public private(set) var bytes: [UInt8] = []
    /// `ends[i]` is where UID `i` ends in ``bytes`` (and UID `i + 1` starts).
    private var ends: [UInt32] = []

    public init() {}

    /// The UIDs of `uids`, in order.
    public init<UIDs: Sequence>(_ uids: UIDs) where UIDs.Element == [UInt8] {
        for uid in uids { append(uid) }
    }

    /// The UTF-8 bytes of `uids`, in order.
    public init(_ uids: [String]) {
        reserveCapacity(count: uids.count, bytes: uids.reduce(0) { $0 + $1.utf8.count })
        for uid in uids { append(uid) }
    }

    public init(arrayLiteral elements: [UInt8]...) {
        self.init(elements)
    }

    /// Reserves room for `count` UIDs of `bytes` bytes in all.
    public mutating func reserveCapacity(count: Int, bytes byteCount: Int) {
        ends.reserveCapacity(count)
        bytes.reserveCapacity(byteCount)
    }

    /// Whether a UID of `count` more bytes still fits.
    public func canAppend(count: Int) -> Bool {
        UInt64(bytes.count) + UInt64(count) <= UInt64(UInt32.max)
    }

    /// Appends one UID.
    public mutating func append(_ uid: UnsafeRawBufferPointer) {
        precondition(canAppend(count: uid.count), "UIDSequence holds at most 4 GiB")
        bytes.append(contentsOf: uid)
        ends.append(UInt32(bytes.count))
    }

    public mutating func append<Bytes: Collection>(_ uid: Bytes) where Bytes.Element == UInt8 {
        precondition(canAppend(count: uid.count), "UIDSequence holds at most 4 GiB")
        bytes.append(contentsOf: uid)
        ends.append(UInt32(bytes.count))
    }

    /// Appends the UTF-8 bytes of `uid`.
    public mutating func append(_ uid: String) {
        var uid = uid
        uid.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends UID `index` of `other`.
    public mutating func append(_ other: UIDSequence, at index: Int) {
        other.withBytes(at: index) { append($0) }
    }

    /// Removes every UID.
    public mutating func removeAll(keepingCapacity: Bool = false) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        ends.removeAll(keepingCapacity: keepingCapacity)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }
    public var count: Int { ends.count }

    /// Where UID `index` lies in ``bytes``.
    public func range(at index: Int) -> Range<Int> {
        (index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])
    }

    /// UID `index` as a new array (for convenience; hot paths use
    /// ``withBytes(at:_:)``).
    public subscript(index: Int) -> [UInt8] {
        Array(bytes[range(at: index)])
    }

    /// UID `index` decoded as UTF-8 (invalid bytes become replacement characters).
    public func string(at index: Int) -> String {
        withBytes(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// All UIDs as strings.
    public var strings: [String] {
        indices.map { string(at: $0) }
    }

    /// Calls `body` with the bytes of UID `index`, in place; valid only
    /// during the call.
    public func withBytes<Result>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let range = range(at: index)
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Whether UID `index` is exactly `other`.
    public func uid(at index: Int, equals other: UnsafeRawBufferPointer) -> Bool {
        let range = range(at: index)
        guard range.count == other.count else { return false }
        guard range.count > 0 else { return true }
        return bytes.withUnsafeBytes {
            memcmp($0.baseAddress! + range.lowerBound, other.baseAddress!, range.count) == 0
        }
    }

    /// `strcmp` order of UIDs `a` and `b`: bytes compared unsigned, a prefix first.
    public func precedes(_ a: Int, _ b: Int) -> Bool {
        let first = range(at: a), second = range(at: b)
        let common = Swift.min(first.count, second.count)
        let order = common == 0 ? 0 : bytes.withUnsafeBytes {
            memcmp($0.baseAddress! + first.lowerBound, $0.baseAddress! + second.lowerBound, common)
        }
        return order != 0 ? order < 0 : first.count < second.count
    }

    /// Whether UIDs `a` and `b` are the same bytes.
    public func uid(at a: Int, equalsUIDAt b: Int) -> Bool {
        withBytes(at: b) { uid(at: a, equals: $0) }
    }

    public var description: String {
        strings.description
    }
}
