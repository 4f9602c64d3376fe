import Testing
@testable import POP3Core

@Suite struct UIDLsJournalRecordTests {
    static let awkward: [[UInt8]] = [
        Array("plain-uid".utf8),
        Array("uid with  spaces ".utf8),
        Array("100% %41".utf8),
        Array("ünïcödé ✓".utf8),
        [0xFF, 0xFE, 0x80, 0x20, 0x7F, 0x09],
        [],
        Array("#looks-like-a-comment".utf8),
    ]

    @Test func anyUIDRoundTrips() {
        let records = Self.awkward.map { UIDLsJournalRecord(host: "pop.example.org", user: "a b", uid: $0) }
        let bytes = records.flatMap(\.encoded)
        #expect(UIDLsJournalRecord.decodeAll(UIDLsJournalRecord.header + bytes) == records)
    }

    @Test func eachRecordIsOneLineOfPrintableASCII() {
        for uid in Self.awkward {
            let line = UIDLsJournalRecord(host: "h", user: "u", uid: uid).encoded
            #expect(line.last == 0x0A)
            #expect(line.dropLast().allSatisfy { $0 > 0x20 && $0 < 0x7F || $0 == 0x20 })
            #expect(line.filter { $0 == 0x20 }.count == 3)
        }
    }

    @Test func tornLastRecordIsIgnored() {
        let first = UIDLsJournalRecord(host: "h", user: "u", uid: Array("one".utf8))
        let second = UIDLsJournalRecord(host: "h", user: "u", uid: Array("two".utf8))
        let whole = first.encoded + second.encoded
        for cut in first.encoded.count..<(whole.count - 1) {
            #expect(UIDLsJournalRecord.decodeAll(Array(whole[..<cut])) == [first], "cut at \(cut)")
        }
        #expect(UIDLsJournalRecord.decodeAll(whole) == [first, second])
    }

    @Test func damagedRecordIsIgnored() {
        let record = UIDLsJournalRecord(host: "h", user: "u", uid: Array("uid-1".utf8))
        var damaged = record.encoded
        damaged[4] = UInt8(ascii: "X")
        #expect(UIDLsJournalRecord.decodeAll(damaged + record.encoded) == [record])
        #expect(UIDLsJournalRecord.decodeAll(Array("h u uid\n".utf8)).isEmpty)
        #expect(UIDLsJournalRecord.decodeAll(Array("h u %G1 00000000\n".utf8)).isEmpty)
    }

    @Test func checksumIsStandardCRC32() {
        #expect(UIDLsJournalRecord.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
