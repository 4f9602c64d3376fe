import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// A list that a retrieval will replace keeps its deliveries in the journal
/// only, and the lists it shares with the server's listing save as mpop's.
@Suite struct UIDLsReplacedListTests {
    func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>"
    }

    @Test func deliveriesToAListToBeReplacedGoToTheJournalOnly() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.header + " 1 h u\nold\n")
        let store = try UIDLsFile.open(path: path)
        store.deliveriesWillBeReplaced(host: "h", user: "u")
        try store.recordDelivered(["new"], host: "h", user: "u")
        try store.recordDelivered(["x"], host: "other", user: "v")
        #expect(store.uids(host: "h", user: "u") == ["old"])
        #expect(store.uids(host: "other", user: "v") == ["x"])
        try store.makeRecordsDurable()
        // Killed before the replace: the journal still counts the delivery.
        store.close()
        let next = try UIDLsFile.open(path: path)
        #expect(next.uids(host: "h", user: "u") == ["old", "new"])
        next.close()
    }

    @Test func theReplaceEndsIt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        store.deliveriesWillBeReplaced(host: "h", user: "u")
        try store.recordDelivered(["a"], host: "h", user: "u")
        store.replace(host: "h", user: "u", with: UIDSequence(["b", "a"]), firstSeen: nil)
        try store.recordDelivered(["c"], host: "h", user: "u")
        #expect(store.uids(host: "h", user: "u") == ["a", "b", "c"])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 3 h u\na\nb\nc\n")
    }

    /// A withdrawn batch of a list to be replaced leaves the list as it was.
    @Test func withdrawingDeliveriesOfAListToBeReplaced() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.header + " 1 h u\nold\n")
        let store = try UIDLsFile.open(path: path)
        store.deliveriesWillBeReplaced(host: "h", user: "u")
        try store.recordDelivered(["new"], host: "h", user: "u")
        try store.withdrawUnmarkedRecords()
        #expect(store.uids(host: "h", user: "u") == ["old"])
        store.replace(host: "h", user: "u", with: UIDSequence(["old"]), firstSeen: nil)
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 1 h u\nold\n")
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"))
    }
}
