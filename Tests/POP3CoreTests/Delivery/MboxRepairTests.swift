import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// A message torn by a kill in the middle of an mbox delivery: the next run
/// cuts exactly what is provably ours, and nothing another program wrote.
@Suite struct MboxRepairTests {
    /// An mbox holding `before`, then a message written through the sink
    /// with every write announced; returns its path, the announcements and
    /// the complete message's proof.
    func deliver(_ text: String, after before: String, in dir: TemporaryDirectory)
        throws -> (path: String, intents: [AppendIntent], proof: DeliveryProof?) {
        let path = try dir.write("mbox", before)
        let sink = try MboxSink(path: path)
        let writer = try sink.begin(envelopeFrom: "a@example.org", receivedHeader: nil)
        var intents: [AppendIntent] = []
        writer.journalAppends { intents.append($0) }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            try Array(line.utf8).withUnsafeBytes { try writer.append($0, endsLine: true) }
        }
        let proof = try writer.prepareCommit()
        try writer.commit()
        try sink.syncCommitted()
        try sink.close()
        return (path, intents, proof)
    }

    /// A long message: several writes, many pieces.
    static let longMessage = "Subject: long\n\n" + (1...6000).map { "line \($0) of a long message" }.joined(separator: "\n")
    static let before = "From old@example.org Sat Jan  1 00:00:00 2000\nSubject: old\n\nold mail\n\n"

    func size(_ path: String) -> Int64 {
        Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1)
    }

    func truncate(_ path: String, to length: Int64) {
        #expect(Foundation.truncate(path, off_t(length)) == 0)
    }

    func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    @Test func everyWriteIsAnnouncedPieceByPiece() throws {
        let dir = try TemporaryDirectory()
        let (path, intents, proof) = try deliver(Self.longMessage, after: Self.before, in: dir)
        #expect(intents.count >= 2, "a long message takes several writes")
        #expect(intents.first?.start == Int64(Self.before.utf8.count))
        let absolute = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        #expect(intents.allSatisfy { $0.messageStart == Int64(Self.before.utf8.count) && $0.path == absolute })
        for (previous, next) in zip(intents, intents.dropFirst()) {
            #expect(previous.end == next.start)
        }
        #expect(intents.last?.end == size(path))
        #expect(proof?.offset == Int64(Self.before.utf8.count))
        #expect(proof?.holds() == true)
    }

    /// Killed after some of its pieces: the tail is cut back to the start
    /// of the message, whatever piece it ends in.
    @Test(arguments: [1, 4096, 10_000, 70_000, 130_000])
    func aTornTailAloneIsCut(keptBytes: Int64) throws {
        let dir = try TemporaryDirectory()
        let (path, intents, _) = try deliver(Self.longMessage, after: Self.before, in: dir)
        let start = Int64(Self.before.utf8.count)
        // What a kill between pages leaves: a prefix ending at a piece's end.
        let pieceEnds = intents.flatMap(\.pieces).map(\.upperBound)
        let cut = try #require(pieceEnds.first { $0 >= start + keptBytes } ?? pieceEnds.last)
        truncate(path, to: cut)
        #expect(try MboxRepair.repair(intents) == .cut(bytes: cut - start))
        #expect(FileManager.default.contents(atPath: path) == Data(Self.before.utf8))
    }

    /// Another program appended mail after the torn message: its mail is
    /// never touched, and the torn part is reported instead.
    @Test func aTornTailFollowedByOthersMailIsLeftInPlace() throws {
        let dir = try TemporaryDirectory()
        let (path, intents, _) = try deliver(Self.longMessage, after: Self.before, in: dir)
        let start = Int64(Self.before.utf8.count)
        let tornEnd = try #require(intents.flatMap(\.pieces).map(\.upperBound).first { $0 > start + 5000 })
        truncate(path, to: tornEnd)
        let foreign = "From other@example.org Sat Jan  1 00:00:00 2000\nSubject: theirs\n\ntheir mail\n\n"
        try append(foreign, to: path)
        let before = FileManager.default.contents(atPath: path)
        #expect(try MboxRepair.repair(intents) == .leftInPlace(offset: start, bytes: tornEnd - start))
        #expect(FileManager.default.contents(atPath: path) == before)
    }

    /// The writer cut its own failed message back, and others appended at
    /// the same offset since: nothing there is ours.
    @Test func othersMailWhereOursWasIsNotOurs() throws {
        let dir = try TemporaryDirectory()
        let (path, intents, proof) = try deliver(Self.longMessage, after: Self.before, in: dir)
        truncate(path, to: Int64(Self.before.utf8.count))
        try append("From other@example.org Sat Jan  1 00:00:00 2000\nSubject: theirs\n\n" + Self.longMessage + "\n\n",
                   to: path)
        let before = FileManager.default.contents(atPath: path)
        #expect(try MboxRepair.repair(intents) == .nothingOfOurs)
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(proof?.holds() == false)
    }

    @Test func aMissingMboxHasNothingOfOurs() throws {
        let dir = try TemporaryDirectory()
        let (path, intents, proof) = try deliver(Self.longMessage, after: Self.before, in: dir)
        try FileManager.default.removeItem(atPath: path)
        #expect(try MboxRepair.repair(intents) == .nothingOfOurs)
        #expect(proof?.holds() == false)
    }

    /// /dev/null and FIFOs have no offsets: nothing is announced, no proof.
    @Test func aDeviceIsNotJournaled() throws {
        let sink = try MboxSink(path: "/dev/null")
        let writer = try sink.begin(envelopeFrom: nil, receivedHeader: nil)
        var announced = 0
        writer.journalAppends { _ in announced += 1 }
        try Array(Self.longMessage.utf8).withUnsafeBytes { try writer.append($0, endsLine: true) }
        #expect(try writer.prepareCommit() == nil)
        try writer.commit()
        try sink.close()
        #expect(announced == 0)
    }

    @Test func appendAndMboxProofRecordsRoundTripThroughTheJournal() throws {
        let intent = AppendIntent(path: "/home/a b/mbox", messageStart: 40_000, start: 40_960, end: 49_000,
                                  pieceChecksums: [0x0102_0304, 0xDEAD_BEEF])
        #expect(intent.pieces == [40_960..<45_056, 45_056..<49_000])
        let record = UIDLsJournalRecord(host: "h", user: "u", uid: Array("uid 1".utf8), intent: intent)
        #expect(UIDLsJournalRecord.decode(record.encoded.dropLast()[...]) == record)
        let proof = DeliveryProof(path: "/m", size: 10, offset: 20, checksum: 0xFFFF_FFFF)
        let pending = UIDLsJournalRecord(host: "h", user: "u", uid: Array("2".utf8), proof: proof)
        #expect(UIDLsJournalRecord.decode(pending.encoded.dropLast()[...]) == pending)
        // A record whose piece count does not fit its stretch is damaged.
        var bad = intent
        bad.pieceChecksums.removeLast()
        let damaged = UIDLsJournalRecord(host: "h", user: "u", uid: Array("3".utf8), intent: bad)
        #expect(UIDLsJournalRecord.decode(damaged.encoded.dropLast()[...]) == nil)
    }

    /// The first write of each batch into an mbox goes after a batch line
    /// that is synced first; later messages of the batch add none, and the
    /// line neither counts as a delivery nor ends the message's appends.
    @Test func eachBatchBeginsWithADurableLine() throws {
        let dir = try TemporaryDirectory()
        let (_, intents, _) = try deliver(Self.longMessage, after: Self.before, in: dir)
        let listed = UIDLsSerializer.header + " 1 other v\nold\n"
        let uidls = try dir.write("uidls", listed)
        let store = try UIDLsFile.open(path: uidls)
        try store.recordAppend("m", intent: intents[0], host: "h", user: "u")
        try store.recordAppend("m", intent: intents[1], host: "h", user: "u")
        let end = intents.last!.end
        let mbox = intents[0].path
        let second = AppendIntent(path: mbox, messageStart: end, start: end, end: end, pieceChecksums: [])
        try store.recordAppend("n", intent: second, host: "h", user: "u")
        try store.makeRecordsDurable()
        try store.recordAppend("o", intent: second, host: "h", user: "u")
        store.close()
        let text = try #require(FileManager.default.contents(atPath: uidls + ".journal"))
        let records = UIDLsJournalRecord.decodeAll(Array(text))
        let batches = records.compactMap(\.batch)
        let checksum = UIDLsJournalRecord.crc32(Array(listed.utf8))
        #expect(batches == [MboxBatch(path: mbox, offset: intents[0].messageStart, uidlsChecksum: checksum),
                            MboxBatch(path: mbox, offset: second.messageStart, uidlsChecksum: checksum)])
        #expect(records.map { String(decoding: $0.uid, as: UTF8.self) } == ["m", "m", "m", "n", "o", "o"])
        #expect(records.first?.batch != nil && records[4].batch != nil)
        let next = try UIDLsFile.open(path: uidls)
        #expect(next.uids(host: "h", user: "u").isEmpty)
        #expect(next.interruptedAppends.map { $0.count } == [2, 1, 1], "the batch lines end no message's appends")
        next.close()
    }

    @Test func aBatchLineRoundTripsThroughTheJournal() throws {
        let batch = MboxBatch(path: "/home/a b/mbox", offset: 40960, uidlsChecksum: 0x5f0e3a21)
        let record = UIDLsJournalRecord(host: "h", user: "u", uid: Array("42".utf8), batch: batch)
        let line = record.encoded
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("h u 42 /home/a%20b/mbox batch 40960 5f0e3a21 "))
        #expect(UIDLsJournalRecord.decode(line.dropLast()[...]) == record)
    }

    /// A message killed mid-write twice: the second run cut the first
    /// attempt and wrote it again from the same offset, then was killed
    /// too. Only the second attempt is reported; with both, the first
    /// attempt's pieces ended the proof early (or matched nothing) and the
    /// second attempt's longer tail stayed, with the message appended
    /// again after it.
    @Test func aMessageKilledTwiceIsReportedByItsLastAttemptOnly() throws {
        let dir = try TemporaryDirectory()
        let (path, intents, _) = try deliver(Self.longMessage, after: Self.before, in: dir)
        let uidls = try dir.write("uidls", "")
        let start = Int64(Self.before.utf8.count)
        let store = try UIDLsFile.open(path: uidls)
        try store.recordAppend("m", intent: intents[0], host: "h", user: "u")
        store.close() // killed during its first write
        let second = try UIDLsFile.open(path: uidls)
        #expect(second.interruptedAppends == [[intents[0]]])
        for intent in intents.dropLast() {
            try second.recordAppend("m", intent: intent, host: "h", user: "u")
        }
        second.close() // killed before the last write
        truncate(path, to: intents.last!.start)
        let third = try UIDLsFile.open(path: uidls)
        #expect(third.interruptedAppends == [Array(intents.dropLast())])
        #expect(try MboxRepair.repair(third.interruptedAppends[0]) == .cut(bytes: intents.last!.start - start))
        #expect(FileManager.default.contents(atPath: path) == Data(Self.before.utf8))
        third.close()
    }

    /// End to end through the store: a message killed mid-write is reported
    /// by the next open of the UIDLs file, one completed is not.
    @Test func theStoreReportsOnlyUncompletedAppends() throws {
        let dir = try TemporaryDirectory()
        let uidls = try dir.write("uidls", "")
        let store = try UIDLsFile.open(path: uidls)
        let torn = AppendIntent(path: "/m", messageStart: 0, start: 0, end: 10, pieceChecksums: [1])
        let whole = AppendIntent(path: "/m", messageStart: 10, start: 10, end: 20, pieceChecksums: [2])
        try store.recordAppend("done", intent: whole, host: "h", user: "u")
        try store.recordPending("done", proof: DeliveryProof(path: uidls, size: 0), host: "h", user: "u")
        try store.recordDelivered(["done"], host: "h", user: "u")
        try store.recordAppend("torn", intent: torn, host: "h", user: "u")
        store.close()
        let next = try UIDLsFile.open(path: uidls)
        #expect(next.interruptedAppends == [[torn]])
        #expect(next.uids(host: "h", user: "u") == ["done"])
        next.close()
    }

    /// A message torn twice: the second run cut the first attempt and was
    /// killed while writing the message anew at the same place. Only the
    /// second attempt is checked, so it is cut although the first
    /// attempt's checksums no longer match the file.
    @Test func aMessageTornTwiceIsCutAgain() throws {
        let dir = try TemporaryDirectory()
        let (path, intents, _) = try deliver(Self.longMessage, after: Self.before, in: dir)
        let start = Int64(Self.before.utf8.count)
        let uidls = try dir.write("uidls", "")
        var first = intents[0]
        first.pieceChecksums[0] ^= 1
        let store = try UIDLsFile.open(path: uidls)
        try store.recordAppend("m", intent: first, host: "h", user: "u")
        store.close()
        let again = try UIDLsFile.open(path: uidls)
        for intent in intents.prefix(2) {
            try again.recordAppend("m", intent: intent, host: "h", user: "u")
        }
        again.close()
        // Killed between two pages of the second write.
        truncate(path, to: try #require(intents[1].pieces.last).lowerBound)
        let next = try UIDLsFile.open(path: uidls)
        #expect(next.interruptedAppends == [Array(intents.prefix(2))])
        for attempt in next.interruptedAppends {
            _ = try MboxRepair.repair(attempt)
        }
        next.close()
        #expect(size(path) == start)
    }
}
