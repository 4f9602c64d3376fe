#if canImport(Glibc)
import Glibc
#endif

/// The UIDs already retrieved from one mailbox, to tell each UID a server
/// lists old or new.
///
/// Over a UIDLs file's list it is an open-addressing table (linear
/// probing, FNV-1a) of indices into the list's ``UIDSequence``: a lookup
/// hashes the server's UID in place and compares bytes, so telling
/// 100,000 UIDs apart builds no string per stored UID and no set of
/// strings; the table costs 4 bytes a slot, at most three quarters of the
/// slots in use. Repeated UIDs in the list are harmless (each takes a slot; a
/// lookup stops at the first).
public struct SeenUIDs {
    private let stored: UIDSequence
    /// Index + 1 into `stored`; 0 marks an empty slot.
    private let slots: [UInt32]
    private let mask: Int
    /// Set instead of the table by ``init(_:)-(Set<String>)``.
    private let strings: Set<String>?

    /// A table over the UIDs of `stored`.
    public init(_ stored: UIDSequence) {
        var capacity = 16
        while capacity * 3 < stored.count * 4 { capacity *= 2 }
        let mask = capacity - 1
        var slots = [UInt32](repeating: 0, count: capacity)
        for index in stored.indices {
            var slot = stored.withBytes(at: index) { Self.hash($0) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index + 1)
        }
        self.stored = stored
        self.slots = slots
        self.mask = mask
        strings = nil
    }

    /// A table over byte strings.
    public init(_ stored: [[UInt8]]) {
        self.init(UIDSequence(stored))
    }

    /// A set of strings as it is.
    public init(_ strings: Set<String>) {
        stored = UIDSequence()
        slots = []
        mask = 0
        self.strings = strings
    }

    /// How many slots the table has (a power of two, at least 4/3 of the
    /// stored count); 0 over a set of strings.
    public var capacity: Int { slots.count }

    public func contains(_ uid: String) -> Bool {
        if let strings { return strings.contains(uid) }
        var uid = uid
        return uid.withUTF8 { contains(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Whether the bytes of a UID are in the list.
    public func contains(bytes: UnsafeRawBufferPointer) -> Bool {
        if let strings { return strings.contains(String(decoding: bytes, as: UTF8.self)) }
        var slot = Self.hash(bytes) & mask
        while slots[slot] != 0 {
            if stored.uid(at: Int(slots[slot]) - 1, equals: bytes) { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// 64-bit FNV-1a.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: value)
    }
}
