import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// First-seen times in the UIDLs file (mpop 1.4.23's `UID TIME` lines):
/// which format a save writes, round trips, mixed files, and the journal
/// records that carry the times across a kill.
@Suite struct UIDLsFirstSeenTests {
    func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>"
    }

    @Test func newFileGets1418FormatWithoutKeepDuration() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "h", user: "u", with: ["b", "a"], firstSeen: [5, 6])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 2 h u\na\nb\n")
    }

    @Test func newFileGets1423FormatForKeepDuration() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        store.keepFirstSeenTimes()
        store.replace(host: "h", user: "u", with: ["b", "a"], firstSeen: [5, 6])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.headerWithTimes + " 2 h u\na 6\nb 5\n")
    }

    /// A 1.4.18 file stays in 1.4.18's format (the times a run knows are
    /// dropped), so Debian's mpop keeps reading it correctly.
    @Test func file1418StaysIn1418Format() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.header + " 1 h u\na\n")
        let store = try UIDLsFile.open(path: path)
        #expect(!store.keepsFirstSeenTimes)
        store.replace(host: "h", user: "u", with: ["a", "b"], firstSeen: [1, 2])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 2 h u\na\nb\n")
    }

    /// A keep duration needs the times, so it upgrades a 1.4.18 file; its
    /// UIDs without a time count as first seen when the session started.
    @Test func keepDurationUpgradesA1418File() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.header + " 1 h u\na\n")
        let store = try UIDLsFile.open(path: path)
        store.sessionStart = 1000
        store.keepFirstSeenTimes()
        #expect(store.firstSeenTimes(host: "h", user: "u").isEmpty)
        try store.save()
        #expect(contents(path) == UIDLsSerializer.headerWithTimes + " 1 h u\na 1000\n")
    }

    /// Lines with and without times, and another list that keeps its own.
    @Test func mixedFileRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.headerWithTimes + " 2 h u\na 7\nb\n 1 h2 v\nc 9\n")
        let store = try UIDLsFile.open(path: path)
        store.sessionStart = 50
        #expect(store.firstSeenTimes(host: "h", user: "u") == [Array("a".utf8): 7])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.headerWithTimes + " 2 h u\na 7\nb 50\n 1 h2 v\nc 9\n")
        let again = try UIDLsFile.open(path: path)
        #expect(again.firstSeenTimes(host: "h", user: "u") == [Array("a".utf8): 7, Array("b".utf8): 50])
        #expect(again.firstSeenTimes(host: "h2", user: "v") == [Array("c".utf8): 9])
        again.close()
    }

    /// A file that already holds what a save writes, times included, is
    /// only touched.
    @Test func unchanged1423FileIsNotRewritten() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.headerWithTimes + " 1 h u\na 7\n")
        var before = stat()
        #expect(stat(path, &before) == 0)
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "h", user: "u", with: ["a"], firstSeen: [7])
        try store.save()
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino)
    }

    /// A run killed after its deliveries: the journal's records carry the
    /// times, so the next run neither loses them nor needs the save.
    @Test func journalKeepsTimesAcrossAKill() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        do {
            let store = try UIDLsFile.open(path: path)
            store.sessionStart = 1234
            store.keepFirstSeenTimes()
            try store.recordDelivered(["m1", "m2"], host: "h", user: "u")
            try store.makeRecordsDurable()
            try store.waitUntilRecordsAreDurable()
            // Killed: no save, no close (the lock goes with the process).
        }
        let journal = try String(contentsOfFile: path + ".journal", encoding: .utf8)
        #expect(journal.contains("h u m1 1234 "), "\(journal)")
        let next = try UIDLsFile.open(path: path)
        next.sessionStart = 9999
        #expect(next.keepsFirstSeenTimes, "the killed run had asked for times")
        #expect(next.firstSeenTimes(host: "h", user: "u") == [Array("m1".utf8): 1234, Array("m2".utf8): 1234])
        try next.save()
        #expect(contents(path) == UIDLsSerializer.headerWithTimes + " 2 h u\nm1 1234\nm2 1234\n")
    }

    /// Without times, records keep their old form (an older journal reader
    /// reads them).
    @Test func recordsWithoutTimesKeepTheirForm() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        try store.recordDelivered(["m1"], host: "h", user: "u")
        try store.makeRecordsDurable()
        let journal = try String(contentsOfFile: path + ".journal", encoding: .utf8)
        let line = journal.split(separator: "\n").first { $0.hasPrefix("h u m1") }
        #expect(line?.split(separator: " ").count == 4, "\(journal)")
        store.close()
    }

    @Test func recordWithTimeRoundTrips() {
        let record = UIDLsJournalRecord(host: "h", user: "u", uid: Array("a b".utf8), firstSeen: -3)
        let line = record.encoded
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("h u a%20b -3 "))
        #expect(UIDLsJournalRecord.decodeAll(line) == [record])
        let old = UIDLsJournalRecord(host: "h", user: "u", uid: Array("a".utf8))
        #expect(UIDLsJournalRecord.decodeAll(old.encoded) == [old])
        // A damaged time is a damaged record.
        let bad = Array(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "-3", with: "x3").utf8)
        #expect(UIDLsJournalRecord.decodeAll(bad).isEmpty)
    }
}
