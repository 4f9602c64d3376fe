import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// The UIDLs file on disk: creation, round trips, list order, atomic
/// saves, and the journal.
@Suite struct UIDLsFileTests {
    func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing>"
    }

    @Test func missingFileCountsAsEmptyAndIsCreated() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        #expect(store.uids(host: "h", user: "u").isEmpty)
        #expect(FileManager.default.fileExists(atPath: path))
        store.close()
    }

    @Test func missingDirectoryIsAnIOError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("no/such/uidls")
        do {
            _ = try UIDLsFile.open(path: path)
            Issue.record("opened a file in a missing directory")
        } catch let error as UIDLsError {
            #expect(error.explanation == "\(path): No such file or directory")
            #expect(error.exitStatus == .ioError)
        }
    }

    @Test func formatErrorNamesTheFileAndExits65() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", "uid\n")
        do {
            _ = try UIDLsFile.open(path: path)
            Issue.record("read a malformed file")
        } catch let error as UIDLsError {
            #expect(error.explanation == "\(path), line 1: UID without a list")
            #expect(error.exitStatus == .dataError)
        }
    }

    @Test func saveWritesMpopsFormatAtomically() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "127.0.0.1", user: "bob", with: ["uid-2", "uid-10", "uid-1"])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 3 127.0.0.1 bob\nuid-1\nuid-10\nuid-2\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["uidls"])

        let again = try UIDLsFile.open(path: path)
        #expect(again.uids(host: "127.0.0.1", user: "bob") == ["uid-1", "uid-2", "uid-10"])
        again.close()
    }

    /// A run that found nothing new leaves the file's bytes (and inode)
    /// alone and only sets its modification time, as a rewrite would.
    @Test func unchangedListsAreTouchedNotRewritten() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let first = try UIDLsFile.open(path: path)
        first.replace(host: "h", user: "u", with: ["a", "b"])
        try first.save()
        var before = stat()
        #expect(stat(path, &before) == 0)
        var past = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &past, 0) == 0)

        let second = try UIDLsFile.open(path: path)
        second.replace(host: "h", user: "u", with: ["a", "b"])
        try second.save()
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec > 1_000_000_000)
        #expect(contents(path) == UIDLsSerializer.header + " 2 h u\na\nb\n")

        // A change is written as usual, to a new file renamed over the old.
        let third = try UIDLsFile.open(path: path)
        third.replace(host: "h", user: "u", with: ["a", "b", "c"])
        try third.save()
        var changed = stat()
        #expect(stat(path, &changed) == 0)
        #expect(changed.st_ino != before.st_ino)
        #expect(contents(path) == UIDLsSerializer.header + " 3 h u\na\nb\nc\n")
    }

    @Test func newListGoesFirstAndKnownListsKeepTheirPlace() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 a u\nx\n 1 b u\ny\n")
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "b", user: "u", with: ["y", "z"])
        store.replace(host: "c", user: "u", with: ["w"])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 1 c u\nw\n 1 a u\nx\n 2 b u\ny\nz\n")
    }

    @Test func emptyListDisappears() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 a u\nx\n 1 b u\ny\n")
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "a", user: "u", with: [])
        store.replace(host: "new", user: "u", with: [])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 1 b u\ny\n")
    }

    @Test func otherListsAreWrittenBackByteForByte() throws {
        let dir = try TemporaryDirectory()
        let raw = Data(" 1 other u\n".utf8) + Data([0xE9, 0xFF, 0x20, 0x41, 0x0A])
        let path = try dir.write("uidls", raw)
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "h", user: "me", with: ["1"])
        try store.save()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == Data(UIDLsSerializer.header.utf8) + Data(" 1 h me\n1\n".utf8) + raw)
    }

    /// A file in 1.4.23's format stays in it, times and all.
    @Test func reads1423FilesAndKeepsTheirFormat() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", """
            # This file was generated by mpop version 1.4.23.
            #
             2 127.0.0.1 bob
            uid-1 1700000000
            uid-2 1700000100

            """)
        let store = try UIDLsFile.open(path: path)
        #expect(store.uids(host: "127.0.0.1", user: "bob") == ["uid-1", "uid-2"])
        #expect(store.keepsFirstSeenTimes)
        store.sessionStart = 1_800_000_000
        store.replace(host: "127.0.0.1", user: "bob", with: ["uid-1", "uid-2", "uid-3"],
                      firstSeen: [1_700_000_000, 1_700_000_100, 1_800_000_000])
        try store.save()
        #expect(contents(path) == UIDLsSerializer.headerWithTimes
                + " 3 127.0.0.1 bob\nuid-1 1700000000\nuid-2 1700000100\nuid-3 1800000000\n")
    }

    /// What `prepare` works out ahead (during the greeting) gives the same
    /// saves as without it.
    @Test(arguments: [true, false])
    func preparedStoreSavesAlike(prepared: Bool) throws {
        let dir = try TemporaryDirectory()
        let canonical = try dir.write("canonical", UIDLsSerializer.header + " 2 h u\na\nb\n")
        let older = try dir.write("older", "# This file was generated by mpop version 1.4.18.\n#\n 2 h u\na\nb\n")
        for path in [canonical, older] {
            var before = stat()
            #expect(stat(path, &before) == 0)
            let store = try UIDLsFile.open(path: path)
            if prepared { store.prepare(host: "h", user: "u") }
            #expect(store.seenUIDs(host: "h", user: "u").contains("b"))
            store.replace(host: "h", user: "u", with: ["a", "b"])
            try store.save()
            var after = stat()
            #expect(stat(path, &after) == 0)
            // The canonical file is only touched; the older format is rewritten.
            #expect((after.st_ino == before.st_ino) == (path == canonical))
            #expect(contents(path) == UIDLsSerializer.header + " 2 h u\na\nb\n")
        }
    }

    /// The lookup table follows the list: a delivery recorded after it was
    /// built is found.
    @Test func seenUIDsFollowDeliveries() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", UIDLsSerializer.header + " 1 h u\nold\n")
        let store = try UIDLsFile.open(path: path)
        store.prepare(host: "h", user: "u")
        #expect(!store.seenUIDs(host: "h", user: "u").contains("new"))
        try store.recordDelivered(["new"], host: "h", user: "u")
        #expect(store.seenUIDs(host: "h", user: "u").contains("new"))
        #expect(store.seenUIDs(host: "h", user: "u").contains("old"))
        try store.save()
        #expect(contents(path) == UIDLsSerializer.header + " 2 h u\nnew\nold\n")
    }

    @Test func deliveredUIDsAreJournaledAtOnceAndFoldedInByTheNextOpen() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 h u\nold\n")
        let store = try UIDLsFile.open(path: path)
        try store.recordDelivered(["new 1", "nëw-2"], host: "h", user: "u")
        try store.recordDelivered(["x"], host: "other", user: "v")
        #expect(store.uids(host: "h", user: "u") == ["old", "new 1", "nëw-2"])
        #expect(FileManager.default.fileExists(atPath: path + ".journal"))
        // A crash: no save. The main file is untouched; the journal holds the deliveries.
        store.close()
        #expect(contents(path) == " 1 h u\nold\n")

        let next = try UIDLsFile.open(path: path)
        #expect(next.uids(host: "h", user: "u") == ["old", "new 1", "nëw-2"])
        #expect(next.uids(host: "other", user: "v") == ["x"])
        try next.save()
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"))
        #expect(contents(path) == UIDLsSerializer.header + " 1 other v\nx\n 3 h u\nnew 1\nnëw-2\nold\n")
    }

    /// Records whose messages never became durable are taken back: the
    /// next run does not count them, while what was marked before them,
    /// and what comes after them, still counts.
    @Test func withdrawnRecordsDoNotCountInTheNextRun() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", "")
        let store = try UIDLsFile.open(path: path)
        try store.recordDelivered(["durable"], host: "h", user: "u")
        try store.makeRecordsDurable()
        try store.recordPending("lost", proof: DeliveryProof(path: path, size: 0), host: "h", user: "u")
        try store.recordDelivered(["lost"], host: "h", user: "u")
        try store.withdrawUnmarkedRecords()
        #expect(store.uids(host: "h", user: "u") == ["durable"])
        try store.recordDelivered(["later"], host: "h", user: "u")
        // A crash: no save.
        store.close()
        let next = try UIDLsFile.open(path: path)
        #expect(next.uids(host: "h", user: "u") == ["durable", "later"])
        next.close()
    }

    /// The same at the journal's level, through the mapping and through
    /// plain writes, across several reserve steps.
    @Test(arguments: [true, false])
    func withdrawingZeroesTheRecordsSinceTheLastMarker(mapping: Bool) throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let journal = UIDLsJournal(uidlsPath: path, mapsFile: mapping)
        func record(_ uid: String) -> UIDLsJournalRecord { UIDLsJournalRecord(host: "h", user: "u", uid: Array(uid.utf8)) }
        try journal.append((0..<100).map { record("kept-\($0)") })
        try journal.markDurable()
        try journal.append((0..<3000).map { record("withdrawn-\($0)") })
        try journal.withdrawUnmarked()
        try journal.append([record("after")])
        journal.closeFile()
        let replayed = try UIDLsJournal(uidlsPath: path).readRecords().map { String(decoding: $0.uid, as: UTF8.self) }
        #expect(replayed == (0..<100).map { "kept-\($0)" } + ["after"])
    }

    /// On a disk too full for a new UIDLs file, the journal's own blocks
    /// take it when they are enough; otherwise the journal is left alone.
    @Test func theJournalBecomesTheFileOnlyWhenItsBlocksSuffice() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", "old\n")
        let journal = UIDLsJournal(uidlsPath: path, mapsFile: false)
        try journal.append([UIDLsJournalRecord(host: "h", user: "u", uid: Array("1".utf8))])
        journal.closeFile()
        let recorded = FileManager.default.contents(atPath: path + ".journal")
        let tooBig = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        #expect(try journal.becomeFile(at: path, holding: tooBig) == false)
        #expect(FileManager.default.contents(atPath: path + ".journal") == recorded)
        #expect(contents(path) == "old\n")
        let lists = Array((UIDLsSerializer.header + " 1 h u\n1\n").utf8)
        #expect(try journal.becomeFile(at: path, holding: lists) == true)
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"))
        #expect(FileManager.default.contents(atPath: path) == Data(lists))
    }

    @Test func tornJournalRecordIsIgnoredAndLaterAppendsStillCount() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let good = UIDLsJournalRecord(host: "h", user: "u", uid: Array("kept".utf8)).encoded
        let torn = Array(UIDLsJournalRecord(host: "h", user: "u", uid: Array("torn".utf8)).encoded.dropLast(3))
        let marker = Array("@durable\n".utf8)
        try dir.write("uidls.journal", Data(UIDLsJournalRecord.header + good + marker + torn))

        let store = try UIDLsFile.open(path: path)
        #expect(store.uids(host: "h", user: "u") == ["kept"])
        try store.recordDelivered(["after"], host: "h", user: "u")
        store.close()

        let next = try UIDLsFile.open(path: path)
        #expect(next.uids(host: "h", user: "u") == ["kept", "after"])
        next.close()
    }

    @Test func journalRecordsOfAnyUIDRoundTripThroughTheFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let uids = ["with space", "100%", "ünï ✓", "#hash", "trailing "]
        let store = try UIDLsFile.open(path: path)
        try store.recordDelivered(uids, host: "h", user: "u")
        store.close()
        let next = try UIDLsFile.open(path: path)
        #expect(next.uids(host: "h", user: "u") == Set(uids))
        next.close()
    }

    @Test func closeWithoutSaveLeavesTheFileAlone() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 h u\nold\n")
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "h", user: "u", with: ["changed"])
        store.close()
        store.close()
        #expect(contents(path) == " 1 h u\nold\n")
    }

    @Test func failedRenameKeepsTheOldFileAndLeavesNoTemporary() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 h u\nold\n")
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "h", user: "u", with: ["new"])
        // Replace the file by a non-empty directory: rename(2) over it fails.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path + "/sub", withIntermediateDirectories: true)
        do {
            try store.save()
            Issue.record("saved over a directory")
        } catch let error as UIDLsError {
            #expect(error.explanation.hasPrefix("cannot rename \(path)."))
            #expect(error.explanation.hasSuffix(" to \(path): Is a directory"))
            #expect(error.exitStatus == .ioError)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["uidls"])
        store.close()
    }
}

/// Big mailboxes: reading, folding and writing stay linear.
@Suite struct UIDLsFileSizeTests {
    @Test func twoHundredThousandUIDsRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let uids = (0..<200_000).map { "uid-\($0)-\(String(repeating: "x", count: 20))" }
        let store = try UIDLsFile.open(path: path)
        store.replace(host: "h", user: "u", with: uids)
        try store.recordDelivered(Array(uids[..<1000]) + ["extra"], host: "h", user: "u")
        try store.save()
        let again = try UIDLsFile.open(path: path)
        #expect(again.uids(host: "h", user: "u").count == 200_001)
        try again.recordDelivered(Array(uids[..<5000]), host: "h", user: "u")
        again.close()
        let third = try UIDLsFile.open(path: path)
        #expect(third.currentLists()[0].uids.count == 200_001)
        third.close()
    }
}
