import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// Appending through a memory mapping: what lands in the file, the zero
/// tail a killed run leaves, and the `pwrite` fallback.
@Suite struct MappedAppenderTests {
    func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: path)))
    }

    @Test(arguments: [true, false])
    func appendsAcrossManyWindows(mapping: Bool) throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("file")
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        try #require(fd >= 0)
        var appender = MappedAppender(fd: fd, end: 0, size: 0, mapping: mapping)
        var expected: [UInt8] = []
        // Records of odd sizes, past several reserve steps, and one larger
        // than a step.
        for index in 0..<5000 {
            let record = Array("record \(index) \(String(repeating: "x", count: index % 37))\n".utf8)
            #expect(record.withUnsafeBytes { appender.append($0) } == 0)
            expected += record
        }
        let big = [UInt8](repeating: UInt8(ascii: "b"), count: MappedAppender.reserveStep * 2 + 5)
        #expect(big.withUnsafeBytes { appender.append($0) } == 0)
        expected += big
        #expect(appender.end == off_t(expected.count))
        // While open, what was appended is in the file (a reader, or the
        // next run after a kill, sees it); zeros may follow.
        let live = try bytes(path)
        #expect(Array(live.prefix(expected.count)) == expected)
        #expect(live.dropFirst(expected.count).allSatisfy { $0 == 0 })
        appender.close()
        close(fd)
        #expect(try bytes(path) == expected)
    }

    @Test func logicalEndSkipsTheZeroTail() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("file", "abc\n")
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        #expect(MappedAppender.logicalEnd(of: fd, size: 4) == 4)
        #expect(ftruncate(fd, 4 + 10_000) == 0)
        #expect(MappedAppender.logicalEnd(of: fd, size: 10_004) == 4)
        #expect(ftruncate(fd, 0) == 0)
        #expect(ftruncate(fd, 9000) == 0)
        #expect(MappedAppender.logicalEnd(of: fd, size: 9000) == 0)
    }

    /// A run killed while the journal was mapped leaves its records and a
    /// zero tail; the next run reads the records and appends after them,
    /// not after the zeros.
    @Test(arguments: [true, false])
    func journalContinuesAfterAKilledRun(mapping: Bool) throws {
        let dir = try TemporaryDirectory()
        let uidls = dir.url("uidls")
        let first = UIDLsJournal(uidlsPath: uidls, mapsFile: mapping)
        try first.append([UIDLsJournalRecord(host: "h", user: "u", uid: Array("one".utf8))])
        try first.markDurable()
        // As if killed: the file keeps its zero tail (and, mapped or not,
        // a tail like it is what a killed mapped run leaves).
        let path = uidls + ".journal"
        let data = try bytes(path)
        first.closeFile()
        let handle = open(path, O_RDWR)
        #expect(ftruncate(handle, off_t(data.count + 70_000)) == 0)
        close(handle)

        let second = UIDLsJournal(uidlsPath: uidls, mapsFile: mapping)
        #expect(try second.readRecords().map(\.uid) == [Array("one".utf8)])
        try second.append([UIDLsJournalRecord(host: "h", user: "u", uid: Array("two".utf8))])
        try second.markDurable()
        second.closeFile()
        let after = try bytes(path)
        #expect(!after.contains(0))
        let third = UIDLsJournal(uidlsPath: uidls)
        #expect(try third.readRecords().map(\.uid) == [Array("one".utf8), Array("two".utf8)])
        third.closeFile()
    }
}
