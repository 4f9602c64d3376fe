import Testing
@testable import POP3Core

/// The open-addressing table over a stored ``UIDSequence``: collisions,
/// growth, prefixes, repeated UIDs, and a mailbox at the 1,000,000 limit.
@Suite struct SeenUIDsTableTests {
    /// UIDs that land in the same slot of a 16-slot table still tell apart.
    @Test func collidingUIDsProbeOn() {
        var colliding: [String] = []
        var candidate = 0
        while colliding.count < 6 {
            let uid = "uid-\(candidate)"
            candidate += 1
            let slot = Array(uid.utf8).withUnsafeBytes { SeenUIDs.hash($0) } & 15
            if slot == 3 { colliding.append(uid) }
        }
        let table = SeenUIDs(UIDSequence(Array(colliding.prefix(5))))
        #expect(table.capacity == 16)
        for uid in colliding.prefix(5) { #expect(table.contains(uid)) }
        // Same slot, not stored: the probe runs past all five and stops at a free slot.
        #expect(!table.contains(colliding[5]))
    }

    /// The table keeps at least 4/3 as many slots as UIDs, and finds
    /// every one of them whatever the size.
    @Test(arguments: [0, 1, 7, 8, 9, 1000, 65_537])
    func growsWithTheList(count: Int) {
        let uids = UIDSequence((0..<count).map { "m\($0)" })
        let table = SeenUIDs(uids)
        #expect(table.capacity >= max(16, count * 4 / 3))
        #expect(table.capacity & (table.capacity - 1) == 0)
        for index in stride(from: 0, to: count, by: max(1, count / 500)) {
            #expect(table.contains("m\(index)"))
        }
        #expect(!table.contains("m\(count)"))
        #expect(!table.contains("m"))
    }

    @Test func prefixesAreOtherUIDs() {
        let table = SeenUIDs(UIDSequence(["abc", "abcdef", ""]))
        #expect(table.contains("abc") && table.contains("abcdef") && table.contains(""))
        #expect(!table.contains("ab") && !table.contains("abcd") && !table.contains("abcdefg"))
    }

    /// A server that lists one UID twice: stored twice, both its messages
    /// count as old, as in mpop.
    @Test func repeatedUIDs() {
        let table = SeenUIDs(UIDSequence(["same", "same", "other"]))
        #expect(table.contains("same") && table.contains("other"))
        #expect(!table.contains("sam"))
    }

    /// Bytes that are not UTF-8 are looked up as bytes.
    @Test func looksUpRawBytes() {
        let table = SeenUIDs(UIDSequence([[0xFF, 0x41]]))
        #expect([UInt8]([0xFF, 0x41]).withUnsafeBytes { table.contains(bytes: $0) })
        #expect(![UInt8]([0xFF]).withUnsafeBytes { table.contains(bytes: $0) })
    }

    /// The most messages a session accepts (STAT beyond 1,000,000 is an
    /// error): every UID of a full listing is found, none else.
    @Test func aMillionUIDs() throws {
        let count = 1_000_000
        var listing = UniqueIDListing(messageCount: count)
        for number in 1...count {
            try listing.absorb(line: Array("\(number) \(String(number, radix: 16, uppercase: true))-uid".utf8))
        }
        let uids = try listing.finish()
        #expect(uids.count == count)
        let table = SeenUIDs(uids)
        #expect(table.capacity == 1 << 21)  // 1 << 20 would be 95% full
        var found = 0
        for number in stride(from: 1, through: count, by: 997) {
            if table.contains("\(String(number, radix: 16, uppercase: true))-uid") { found += 1 }
        }
        #expect(found == (count - 1) / 997 + 1)
        #expect(!table.contains("\(String(count + 1, radix: 16, uppercase: true))-uid"))
    }
}
