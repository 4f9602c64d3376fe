import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// Which journal records count after a crash: records followed by a
/// durability marker always; unmarked ones only in the boot that wrote them.
@Suite struct UIDLsJournalReplayTests {
    static func record(_ uid: String) -> [UInt8] {
        UIDLsJournalRecord(host: "h", user: "u", uid: Array(uid.utf8)).encoded
    }
    static let marker = Array("@durable\n".utf8)
    static func boot(_ id: String) -> [UInt8] { Array("@boot \(id)\n".utf8) }

    func uids(_ bytes: [UInt8], boot: String?) -> [String] {
        UIDLsJournalReplay.replay(bytes, currentBootID: boot).records.map { String(decoding: $0.uid, as: UTF8.self) }
    }

    @Test func markedRecordsCountAfterAnyCrash() {
        let journal = Self.boot("A") + Self.record("1") + Self.record("2") + Self.marker
        #expect(uids(journal, boot: "B") == ["1", "2"])
        #expect(uids(journal, boot: nil) == ["1", "2"])
        #expect(!UIDLsJournalReplay.replay(journal, currentBootID: "B").unmarked)
    }

    /// A crash kept a later write of the journal but lost an earlier one:
    /// zeros where the lost line was, glued to the next line, which still
    /// counts; the lost one does not.
    @Test func aLineAfterAHoleLeftByALostWriteCounts() {
        let lost = Self.record("2")
        let journal = Self.boot("A") + Self.record("1") + [UInt8](repeating: 0, count: lost.count) + Self.record("3")
            + Self.marker
        #expect(uids(journal, boot: "B") == ["1", "3"])
        #expect(UIDLsJournalRecord.decodeAll(journal).map { String(decoding: $0.uid, as: UTF8.self) } == ["1", "3"])
        // A torn line before the zeros goes with them.
        let torn = Self.boot("A") + Array(Self.record("1").dropLast(5)) + [0, 0] + Self.record("3") + Self.marker
        #expect(uids(torn, boot: "B") == ["3"])
    }

    @Test func unmarkedRecordsCountOnlyInTheBootThatWroteThem() {
        let journal = Self.boot("A") + Self.record("1") + Self.marker + Self.record("2")
        #expect(uids(journal, boot: "A") == ["1", "2"])
        #expect(UIDLsJournalReplay.replay(journal, currentBootID: "A").unmarked)
        // After a reboot the kernel's copy of message 2 may be gone: fetch it again.
        #expect(uids(journal, boot: "B") == ["1"])
        #expect(uids(journal, boot: nil) == ["1"])
    }

    @Test func eachRunsRecordsKeepTheirOwnBoot() {
        let journal = Self.boot("A") + Self.record("1") + Self.boot("B") + Self.record("2")
        #expect(uids(journal, boot: "B") == ["2"])
        #expect(uids(journal, boot: "A") == [])
        #expect(uids(journal + Self.marker, boot: "C") == ["2"])
        let again = Self.boot("A") + Self.record("1") + Self.boot("A") + Self.record("2")
        #expect(uids(again, boot: "A") == ["1", "2"])
    }

    /// A power loss in boot A took the marker of message 1; the run of
    /// boot B did not count it and fetched it again, then was killed after
    /// its own first marker. Message 1's record must not count then: its
    /// message may never have reached the disk, and with keep off the
    /// next run would delete it on the server as old.
    @Test func aLaterBootsMarkerDoesNotCountRecordsItsRunDropped() {
        let journal = Self.boot("A") + Self.record("1") + Self.boot("B") + Self.record("2") + Self.marker
        #expect(uids(journal, boot: "B") == ["2"])
        #expect(uids(journal, boot: "C") == ["2"])
        #expect(uids(journal, boot: nil) == ["2"])
        // Marked in its own boot, it counts whatever came after.
        let marked = Self.boot("A") + Self.record("1") + Self.marker + Self.boot("B") + Self.record("2")
        #expect(uids(marked, boot: "C") == ["1"])
    }

    /// The records that do not count after a crash are handed back, for
    /// removing what their deliveries left on disk.
    @Test func unmarkedRecordsOfAnEarlierBootAreHandedBackAsDropped() {
        let journal = Self.boot("A") + Self.record("1") + Self.marker + Self.record("2") + Self.record("3")
        let dropped = UIDLsJournalReplay.replay(journal, currentBootID: "B").dropped
        #expect(dropped.map { String(decoding: $0.uid, as: UTF8.self) } == ["2", "3"])
        #expect(UIDLsJournalReplay.replay(journal, currentBootID: "A").dropped.isEmpty)
        // Ended by a later boot's line: dropped by that boot's run already.
        #expect(UIDLsJournalReplay.replay(journal + Self.boot("B"), currentBootID: "C").dropped.isEmpty)
    }

    @Test func tornMarkerDoesNotCount() {
        let journal = Self.boot("A") + Self.record("1") + Array(Self.marker.dropLast())
        #expect(uids(journal, boot: "B") == [])
    }

    @Test func thisBootHasAnID() {
        let id = UIDLsJournalReplay.currentBootID()
        #expect(id?.count == 36)
    }

    /// Through the store: an unmarked record of this boot counts, and is
    /// marked durable when the next run opens the file.
    @Test func nextRunMarksWhatAKilledRunLeft() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        try store.recordDelivered(["a"], host: "h", user: "u")
        try store.makeRecordsDurable()
        try store.recordDelivered(["b"], host: "h", user: "u")
        store.close() // as if killed: no save

        let journal = try #require(FileManager.default.contents(atPath: path + ".journal"))
        #expect(!journal.suffix(Self.marker.count).elementsEqual(Self.marker))
        let next = try UIDLsFile.open(path: path)
        #expect(next.uids(host: "h", user: "u") == ["a", "b"])
        next.close()
        let after = try #require(FileManager.default.contents(atPath: path + ".journal"))
        #expect(after.suffix(Self.marker.count).elementsEqual(Self.marker))
    }
}
