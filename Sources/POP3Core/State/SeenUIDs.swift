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
    private enum Storage {
        case table(stored: [[UInt8]], slots: [Int32], mask: Int)
        case strings(Set<String>)
    }

    private let storage: Storage

    /// A table over byte strings (duplicates are harmless).
    public init(_ stored: [[UInt8]]) {
        var capacity = 16
        while capacity < stored.count * 2 { capacity *= 2 }
        let mask = capacity - 1
        // Slot values are index + 1; 0 marks an empty slot.
        var slots = [Int32](repeating: 0, count: capacity)
        for (index, uid) in stored.enumerated() {
            var slot = uid.withUnsafeBytes { Self.hash($0) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
        storage = .table(stored: stored, slots: slots, mask: mask)
    }

    /// A set of strings as it is.
    public init(_ strings: Set<String>) {
        storage = .strings(strings)
    }

    public func contains(_ uid: String) -> Bool {
        switch storage {
        case .strings(let set):
            return set.contains(uid)
        case .table(let stored, let slots, let mask):
            var uid = uid
            return uid.withUTF8 { bytes in
                let raw = UnsafeRawBufferPointer(bytes)
                var slot = Self.hash(raw) & mask
                while slots[slot] != 0 {
                    let candidate = stored[Int(slots[slot]) - 1]
                    if candidate.count == raw.count,
                       candidate.withUnsafeBytes({ raw.count == 0 || memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }) {
                        return true
                    }
                    slot = (slot + 1) & mask
                }
                return false
            }
        }
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
