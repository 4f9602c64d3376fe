import Testing
@testable import POP3Core

/// The contiguous UID buffer behind listings, lists and lookups.
@Suite struct UIDSequenceTests {
    @Test func keepsUIDsInOrderWithTheirBytes() {
        var uids = UIDSequence(["a", "", "abc", "é"])
        uids.append([0xFF, 0x00, 0x41])
        #expect(uids.count == 5)
        #expect(uids.strings == ["a", "", "abc", "é", "\u{FFFD}\u{0}A"])
        #expect(uids[3] == Array("é".utf8))
        #expect(uids[4] == [0xFF, 0x00, 0x41])
        #expect(uids[1].isEmpty)
        #expect(uids.bytes == Array("aabcé".utf8) + [0xFF, 0x00, 0x41])
        #expect(uids.range(at: 2) == 1..<4)
        #expect(Array("abc".utf8).withUnsafeBytes { uids.uid(at: 2, equals: $0) })
        #expect(!Array("ab".utf8).withUnsafeBytes { uids.uid(at: 2, equals: $0) })
    }

    /// Equality is by content: the same UIDs built in different ways are equal.
    @Test func equalityIsByContent() {
        var built = UIDSequence()
        built.append("x")
        built.append("yz")
        #expect(built == UIDSequence(["x", "yz"]))
        #expect(built == [Array("x".utf8), Array("yz".utf8)])
        // The same bytes cut differently are other UIDs.
        #expect(built != UIDSequence(["xy", "z"]))
        #expect(UIDSequence(["", ""]) != UIDSequence([""]))
    }

    @Test func ordersLikeStrcmp() {
        let uids = UIDSequence(["b", "ab", "a", "", "\u{FF}"])
        #expect(uids.precedes(2, 1))  // "a" < "ab": a prefix first
        #expect(!uids.precedes(1, 2))
        #expect(uids.precedes(3, 2))  // "" first of all
        #expect(uids.precedes(0, 4))  // bytes compared unsigned
        #expect(!uids.precedes(2, 2))
        #expect(UIDSequence(["x", "x"]).uid(at: 0, equalsUIDAt: 1))
    }

    @Test func copiesShareUntilChanged() {
        let original = UIDSequence(["one", "two"])
        var copy = original
        copy.append("three")
        #expect(original.count == 2 && copy.count == 3)
        #expect(original.strings == ["one", "two"])
    }

    /// A UID list sorts, and drops duplicates, as mpop writes it; a sorted
    /// one comes back as it is.
    @Test func sortedUniqueUIDs() {
        let list = UIDList(host: "h", user: "u", uids: ["b", "a", "ab", "b", "", "a"])
        #expect(list.sortedUniqueUIDs.strings == ["", "a", "ab", "b"])
        let sorted = UIDList(host: "h", user: "u", uids: ["a", "ab", "b"])
        #expect(sorted.sortedUniqueUIDs == sorted.uids)
        #expect(UIDList(host: "h", user: "u", uids: ["a", "a"]).sortedUniqueUIDs.strings == ["a"])
    }
}

/// A UIDL listing fills a ``UIDSequence`` in message order, whatever the
/// order of its lines.
@Suite struct UniqueIDListingOrderTests {
    private func listing(_ lines: [String], count: Int) throws -> UIDSequence {
        var listing = UniqueIDListing(messageCount: count)
        for line in lines { try listing.absorb(line: Array(line.utf8)) }
        return try listing.finish()
    }

    @Test func inOrderAndOutOfOrder() throws {
        #expect(try listing(["1 a", "2 bb", "3 c"], count: 3).strings == ["a", "bb", "c"])
        #expect(try listing(["1 a", "3 c", "2 bb"], count: 3).strings == ["a", "bb", "c"])
        #expect(try listing(["3 c", "2 bb", "1 a"], count: 3).strings == ["a", "bb", "c"])
        // The same UID for two messages is the server's business.
        #expect(try listing(["2 same", "1 same"], count: 2).strings == ["same", "same"])
    }

    @Test(arguments: [["1 a", "1 b"], ["1 a", "2 b", "1 c"], ["1 a", "3 c", "3 d"], ["2 b", "1 a", "2 x"],
                      ["1 a", "3 c"]])
    func repeatedOrMissingNumbers(lines: [String]) {
        #expect(throws: POP3Error.invalidReplyTo(command: "UIDL", serverMessage: nil)) {
            _ = try listing(lines, count: 3)
        }
    }
}

/// A UIDL listing that repeats the stored list shares its buffer; one that
/// differs anywhere reads as if nothing had been expected.
@Suite struct UniqueIDListingExpectedTests {
    private func listing(_ lines: [String], count: Int, expected: [String]) throws -> UIDSequence {
        var listing = UniqueIDListing(messageCount: count, expected: UIDSequence(expected))
        for line in lines { try listing.absorb(line: Array(line.utf8)) }
        return try listing.finish()
    }

    @Test func theSameListIsShared() throws {
        let stored = UIDSequence(["a", "b", "c"])
        var listing = UniqueIDListing(messageCount: 3, expected: stored)
        for line in ["1 a", "2 b", "3 c"] { try listing.absorb(line: Array(line.utf8)) }
        let uids = try listing.finish()
        #expect(uids == stored)
        // One buffer, not a copy.
        let address = { (uids: UIDSequence) in uids.bytes.withUnsafeBufferPointer { $0.baseAddress } }
        #expect(address(uids) == address(stored))
    }

    @Test(arguments: [
        (["1 a", "2 b"], 2, ["a", "b", "c"], ["a", "b"]),           // fewer on the server
        (["1 a", "2 b", "3 d"], 3, ["a", "b"], ["a", "b", "d"]),    // a new one at the end
        (["1 a", "2 x", "3 c"], 3, ["a", "b", "c"], ["a", "x", "c"]), // one changed
        (["2 b", "1 a"], 2, ["a", "b"], ["a", "b"]),                // out of order
        (["1 ab", "2 c"], 2, ["a", "bc"], ["ab", "c"]),             // same bytes, cut elsewhere
        (["1 a", "3 c", "2 b"], 3, ["a", "b", "c"], ["a", "b", "c"]),
    ] as [([String], Int, [String], [String])])
    func differentListings(lines: [String], count: Int, expected: [String], result: [String]) throws {
        #expect(try listing(lines, count: count, expected: expected).strings == result)
    }

    @Test(arguments: [["1 a", "1 a"], ["1 a", "2 b", "1 a"], ["1 a", "2 b"], ["1 a", "2 b", "3 c", "2 b"],
                      ["1 a", "4 d"], ["1 a", "2 é"]])
    func badListings(lines: [String]) {
        #expect(throws: POP3Error.invalidReplyTo(command: "UIDL", serverMessage: nil)) {
            _ = try listing(lines, count: 3, expected: ["a", "b", "c"])
        }
    }
}
