import Testing
@testable import POP3Core

/// The compact per-message state of a retrieval.
@Suite struct MessageTableTests {
    @Test func recordsReadAndWriteBack() {
        var table = MessageTable(sizes: [10, 20, 30], uids: UIDSequence(["a", "b", "c"]), firstSeen: 1000)
        #expect(table.count == 3)
        #expect(table[1] == {
            var record = MessageRecord(number: 2, size: 20)
            record.firstSeen = 1000
            return record
        }())
        table[1].action = .delete
        table[1].isOld = true
        table[2].action = .ignore
        #expect(table.action(at: 0) == .normal && table.action(at: 1) == .delete && table.action(at: 2) == .ignore)
        #expect(!table.isOld(at: 0) && table.isOld(at: 1) && !table.isOld(at: 2))
        #expect(table[1].number == 2 && table[1].size == 20)
        #expect(table.uid(at: 2) == "c")
    }

    /// Times other than the default are kept per message; the others keep the default.
    @Test func firstSeenTimes() {
        var table = MessageTable(sizes: [1, 2, 3], uids: nil, firstSeen: 500)
        #expect(table.map(\.firstSeen) == [500, 500, 500])
        table[0].firstSeen = 7
        table[2].isOld = true
        #expect(table.map(\.firstSeen) == [7, 500, 500])
        #expect(table[2].isOld && table[2].firstSeen == 500)
        #expect(table.uid(at: 0) == nil)
    }
}

/// LIST sizes in 4 bytes each, with a side table for 4 GiB and more.
@Suite struct MessageSizesTests {
    @Test func smallAndLargeSizes() {
        var sizes = MessageSizes(count: 4)
        sizes[0] = 0
        sizes[1] = Int64(UInt32.max) - 1
        sizes[2] = Int64(UInt32.max)
        sizes[3] = Int64.max
        #expect(Array(sizes) == [0, Int64(UInt32.max) - 1, Int64(UInt32.max), Int64.max])
        sizes[3] = 5
        #expect(sizes == [0, Int64(UInt32.max) - 1, Int64(UInt32.max), 5])
        #expect(sizes != [0, Int64(UInt32.max) - 1, Int64(UInt32.max), 6])
    }

    @Test func scanListingOfAHugeMessage() throws {
        var listing = ScanListing(messageCount: 2)
        try listing.absorb(line: Array("1 9000000000".utf8))
        try listing.absorb(line: Array("2 4294967295".utf8))
        #expect(try listing.finish() == [9_000_000_000, 4_294_967_295])
    }
}
