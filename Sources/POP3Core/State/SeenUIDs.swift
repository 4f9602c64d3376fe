#if canImport(Glibc)
import Glibc
#endif

/// The UIDs already retrieved from one mailbox, to tell each UID a server
/// lists old or new.
///
/// Over a UIDLs file's lists it is a small open-addressing table of indices
/// into the stored byte strings, hashed with FNV-1a: a lookup hashes the
/// server's UID in place and compares bytes, so telling 10,000 UIDs apart
/// builds no string per stored UID and no set of strings.
public struct SeenUIDs {
    private let stored: [[UInt8]]
    /// Index + 1 into `stored`; 0 marks an empty slot.
    private let slots: [Int32]
    private let mask: Int
    /// Set instead of the table by ``init(_:)-(Set<String>)``.
    private let strings: Set<String>?

    /// A table over byte strings (duplicates are harmless).
    public init(_ stored: [[UInt8]]) {
        var capacity = 16
        while capacity < stored.count * 2 { capacity *= 2 }
        let mask = capacity - 1
        var slots = [Int32](repeating: 0, count: capacity)
        for (index, uid) in stored.enumerated() {
            var slot = uid.withUnsafeBytes { Self.hash($0) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
        self.stored = stored
        self.slots = slots
        self.mask = mask
        strings = nil
    }

    /// A set of strings as it is.
    public init(_ strings: Set<String>) {
        stored = []
        slots = []
        mask = 0
        self.strings = strings
    }

    public func contains(_ uid: String) -> Bool {
        if let strings { return strings.contains(uid) }
        if let found = uid.utf8.withContiguousStorageIfAvailable({ lookUp(UnsafeRawBufferPointer($0)) }) {
            return found
        }
        return Array(uid.utf8).withUnsafeBytes { lookUp($0) }
    }

    private func lookUp(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var slot = Self.hash(bytes) & mask
        while slots[slot] != 0 {
            let candidate = stored[Int(slots[slot]) - 1]
            if candidate.count == bytes.count,
               candidate.withUnsafeBytes({ bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                return true
            }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// 64-bit FNV-1a.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: value)
    }
}
