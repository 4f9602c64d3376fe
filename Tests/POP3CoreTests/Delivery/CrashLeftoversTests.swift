import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// After a crash of the machine took the journal records of some
/// deliveries, the next run fetches those messages again; what reached the
/// disk of them goes first, or the mailbox would hold a second copy or a
/// torn one. Only for messages that will be fetched again.
@Suite struct CrashLeftoversTests {
    static func pending(_ uid: String, _ path: String, size: Int64) -> UIDLsJournalRecord {
        UIDLsJournalRecord(host: "h", user: "u", uid: Array(uid.utf8), proof: DeliveryProof(path: path, size: size))
    }

    @Test func maildirFilesOfMessagesFetchedAgainGoWholeOrNot() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let whole = try dir.write("Mail/new/1.M1P1Q1.host", "Subject: 1\n\none\n")
        let empty = try dir.write("Mail/new/1.M1P1Q2.host", "")
        let kept = try dir.write("Mail/new/1.M1P1Q3.host", "Subject: 3\n\nthree\n")
        let records = [
            Self.pending("1", whole, size: 16), Self.pending("2", empty, size: 16), Self.pending("3", kept, size: 18),
            Self.pending("4", maildir + "/new/never-came", size: 5),
        ]
        let warnings = CrashLeftovers.remove(records, bootTime: nil) { $0 != Array("3".utf8) }
        #expect(warnings.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: whole))
        #expect(!FileManager.default.fileExists(atPath: empty))
        #expect(FileManager.default.fileExists(atPath: kept), "a message not fetched again keeps its only copy")
    }

    /// A maildir file waits in `tmp/` until its batch is synced; after a
    /// power loss, whatever of it is there goes, whether the message is
    /// fetched again or not (it never reached `new/`).
    @Test func maildirFilesStillInTmpGo() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let waiting = try dir.write("Mail/tmp/1.M1P1Q1.host", "Subject: 1\n")
        let other = try dir.write("Mail/tmp/1.M1P9Q9.host", "someone else's")
        let records = [Self.pending("1", maildir + "/new/1.M1P1Q1.host", size: 16)]
        #expect(CrashLeftovers.remove(records, bootTime: nil) { _ in false }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: waiting))
        #expect(FileManager.default.fileExists(atPath: other), "only what a record names")
    }

    /// A run killed (same boot) after committing maildir messages whose
    /// batch was never synced: they wait whole in `tmp/`. The next open of
    /// the UIDLs file moves them to `new/` and counts them; one still being
    /// written (no pending record) stays where it is and is not counted.
    @Test func aKilledRunsMessagesWaitingInTmpAreMovedToNew() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let uidls = try dir.write("uidls", "")
        let text = "Subject: 1\n\none\n"
        let waiting = try dir.write("Mail/tmp/1.M1P1Q1.host", text)
        let partial = try dir.write("Mail/tmp/1.M1P1Q2.host", "Subject: 2\n")
        let final = maildir + "/new/1.M1P1Q1.host"
        let store = try UIDLsFile.open(path: uidls)
        try store.recordPending("1", proof: DeliveryProof(path: final, size: Int64(text.utf8.count)), host: "h", user: "u")
        try store.recordDelivered(["1"], host: "h", user: "u")
        store.close() // killed before the batch's sync
        let next = try UIDLsFile.open(path: uidls)
        #expect(next.uids(host: "h", user: "u") == ["1"])
        next.close()
        #expect(FileManager.default.contents(atPath: final) == Data(text.utf8))
        #expect(!FileManager.default.fileExists(atPath: waiting))
        #expect(FileManager.default.fileExists(atPath: partial))
    }

    /// Two messages appended after someone's mail; the crash kept the
    /// second message's pages but lost a page of the first (zeros), the
    /// journal line announcing the second's first write, and the end of
    /// the second. Both are cut; the mail before stays.
    @Test func anMboxIsCutBackToTheFirstMessageFetchedAgain() throws {
        let dir = try TemporaryDirectory()
        let before = "From old@example.org Sat Jan  1 00:00:00 2000\nSubject: old\n\nold mail\n\n"
        let path = try dir.write("mbox", before)
        var records: [UIDLsJournalRecord] = []
        for (uid, lines) in [("a", 2_000), ("b", 4_000)] {
            let sink = try MboxSink(path: path)
            let writer = try sink.begin(envelopeFrom: "x@example.org", receivedHeader: nil)
            writer.journalAppends { records.append(UIDLsJournalRecord(host: "h", user: "u", uid: Array(uid.utf8), intent: $0)) }
            for index in 1...lines {
                try Array("line \(index) of message \(uid)".utf8).withUnsafeBytes { try writer.append($0, endsLine: true) }
            }
            _ = try writer.prepareCommit()
            try writer.commit()
            try sink.close()
        }
        let start = Int64(before.utf8.count)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        handle.seek(toFileOffset: 8192)
        handle.write(Data(count: 4096))
        handle.truncateFile(atOffset: handle.seekToEndOfFile() - 5000)
        try handle.close()
        #expect(records.filter { $0.uid == Array("b".utf8) }.count >= 2, "the second message takes two writes")
        records.remove(at: records.firstIndex { $0.uid == Array("b".utf8) }!)
        #expect(CrashLeftovers.remove(records, bootTime: nil) { _ in true }.isEmpty)
        #expect(FileManager.default.contents(atPath: path)?.count == Int(start))
        #expect(FileManager.default.contents(atPath: path) == Data(before.utf8))
    }

    /// The first message will not be fetched again (the server no longer
    /// has it): it stays, and only what follows it goes.
    @Test func aMessageNotFetchedAgainStaysWithWhatComesBefore() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("mbox", "")
        var records: [UIDLsJournalRecord] = []
        var ends: [UInt64] = []
        for uid in ["a", "b"] {
            let sink = try MboxSink(path: path)
            let writer = try sink.begin(envelopeFrom: "x@example.org", receivedHeader: nil)
            writer.journalAppends { records.append(UIDLsJournalRecord(host: "h", user: "u", uid: Array(uid.utf8), intent: $0)) }
            try Array("Subject: \(uid)".utf8).withUnsafeBytes { try writer.append($0, endsLine: true) }
            _ = try writer.prepareCommit()
            try writer.commit()
            try sink.close()
            ends.append(UInt64((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0))
        }
        #expect(CrashLeftovers.remove(records, bootTime: nil) { $0 == Array("b".utf8) }.isEmpty)
        #expect(FileManager.default.contents(atPath: path)?.count == Int(ends[0]))
        #expect(CrashLeftovers.remove(records, bootTime: nil) { _ in false }.isEmpty)
        #expect(FileManager.default.contents(atPath: path)?.count == Int(ends[0]))
    }

    /// Others' mail after ours is never touched: a warning instead.
    @Test func othersMailAfterOursIsLeftWithAWarning() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("mbox", "")
        var records: [UIDLsJournalRecord] = []
        let sink = try MboxSink(path: path)
        let writer = try sink.begin(envelopeFrom: "x@example.org", receivedHeader: nil)
        writer.journalAppends { records.append(UIDLsJournalRecord(host: "h", user: "u", uid: Array("a".utf8), intent: $0)) }
        try Array("Subject: a".utf8).withUnsafeBytes { try writer.append($0, endsLine: true) }
        _ = try writer.prepareCommit()
        try writer.commit()
        try sink.close()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("From other@example.org Sat Jan  1 00:00:00 2000\n\nnot ours\n\n".utf8))
        try handle.close()
        let before = FileManager.default.contents(atPath: path)
        let warnings = CrashLeftovers.remove(records, bootTime: nil) { _ in true }
        #expect(warnings.count == 1 && warnings[0].contains("not ours"), "\(warnings)")
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    /// A batch of appends whose append records a power loss took, all of
    /// them: only the durable batch line says where it began. The mbox is
    /// cut back to there when nobody changed it since the machine booted;
    /// when someone did (a ctime after the boot) or a message of the batch
    /// will not be fetched again, it stays.
    @Test(arguments: [(bootAfter: true, fetchedAgain: true), (bootAfter: false, fetchedAgain: true),
                      (bootAfter: true, fetchedAgain: false)])
    func aBatchWhoseAppendRecordsAreLostIsCutBackToItsStart(bootAfter: Bool, fetchedAgain: Bool) throws {
        let dir = try TemporaryDirectory()
        let before = "From old@example.org Sat Jan  1 00:00:00 2000\nSubject: old\n\nold mail\n\n"
        let path = try dir.write("mbox", before + "From x@example.org Wed Dec  2 03:58:43 2026\nSubject: a\n\npart")
        let batch = MboxBatch(path: path, offset: Int64(before.utf8.count), uidlsChecksum: 0)
        let records = [UIDLsJournalRecord(host: "h", user: "u", uid: Array("a".utf8), batch: batch)]
        let now = Int(time(nil))
        let contents = FileManager.default.contents(atPath: path)
        let warnings = CrashLeftovers.remove(records, bootTime: bootAfter ? now + 2 : now - 3600) { _ in fetchedAgain }
        #expect(warnings.isEmpty)
        let cut = bootAfter && fetchedAgain
        #expect(FileManager.default.contents(atPath: path) == (cut ? Data(before.utf8) : contents))
    }
}
