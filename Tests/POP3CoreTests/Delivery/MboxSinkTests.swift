import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct MboxSinkTests {
    /// Splits an mbox into its From_ lines and the rest, so that the date
    /// can be checked apart from the bytes.
    static func separate(_ mbox: [UInt8]) -> (fromLines: [String], rest: [UInt8]) {
        var fromLines: [String] = []
        var rest: [UInt8] = []
        for line in mbox.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            if line.starts(with: bytes("From ")) {
                fromLines.append(String(decoding: line, as: UTF8.self))
                rest += bytes("From_\n")
            } else {
                rest += line + [UInt8(ascii: "\n")]
            }
        }
        return (fromLines, rest)
    }

    static var fromLinePattern: Regex<(Substring, Substring, Substring, Substring, Substring)> { #/^From (\S+) (Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( [1-9]|[12][0-9]|3[01]) [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}$/# }

    @Test(arguments: Piecing.allCases)
    func storesEachMessageInMBOXRDFormat(piecing: Piecing) throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let sink = try MboxSink(path: path)
        for message in FixtureMessage.samples {
            try Feed.deliver(message, to: sink, piecing: piecing, envelopeFrom: "bounce@example.org",
                             receivedHeader: sampleReceivedHeader)
        }
        try sink.syncCommitted()
        try sink.close()

        var expected: [UInt8] = []
        for message in FixtureMessage.samples {
            expected += bytes("From_\n") + sampleReceivedHeader.flatMap { bytes($0 + "\n") }
            expected += message.expectedBody(quoting: true) + bytes("\n")
        }
        let (fromLines, rest) = Self.separate(readFile(path))
        #expect(rest == expected)
        #expect(fromLines.count == FixtureMessage.samples.count)
        for line in fromLines {
            let match = try #require(line.wholeMatch(of: Self.fromLinePattern), "\(line)")
            #expect(match.1 == "bounce@example.org")
        }
        #expect(fileMode(path) == 0o600)
    }

    @Test func withoutReceivedHeaderTheMessageFollowsTheFromLine() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let sink = try MboxSink(path: path)
        try Feed.deliver(FixtureMessage("two lines", "A: b\n\nFrom x\n"), to: sink, envelopeFrom: nil)
        try sink.close()
        let (fromLines, rest) = Self.separate(readFile(path))
        #expect(rest == bytes("From_\nA: b\n\n>From x\n\n"))
        #expect(fromLines.first?.hasPrefix("From MAILER-DAEMON ") == true)
    }

    @Test func fromLineIsAsctimeInUTCWithASpacePaddedDay() {
        #expect(MboxSink.fromLine(envelopeFrom: "a@b", time: 0) == "From a@b Thu Jan  1 00:00:00 1970")
        // 2026-11-22 00:23:05 UTC, as in mpop's verified output.
        #expect(MboxSink.fromLine(envelopeFrom: "bounce@example.org", time: 1_795_306_985)
                    == "From bounce@example.org Sun Nov 22 00:23:05 2026")
    }

    @Test func appendsToExistingContentAndKeepsItsMode() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("mbox", "From old Thu Jan  1 00:00:00 1970\nold\n\n", mode: 0o640)
        let sink = try MboxSink(path: path)
        try Feed.deliver(FixtureMessage("new", "new\n"), to: sink, envelopeFrom: "n@example.org")
        try sink.close()
        let (_, rest) = Self.separate(readFile(path))
        #expect(rest == bytes("From_\nold\n\nFrom_\nnew\n\n"))
        #expect(fileMode(path) == 0o640)
    }

    @Test func abortCutsTheMessageOffAgain() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let sink = try MboxSink(path: path)
        try Feed.deliver(FixtureMessage.samples[0], to: sink, envelopeFrom: "a@example.org")
        let before = readFile(path)
        // Large enough to be flushed to the file before the abort.
        let writer = try sink.begin(envelopeFrom: "b@example.org", receivedHeader: sampleReceivedHeader)
        try Feed.lines(FixtureMessage.samples[1], piecing: .engineChunks) { try writer.append($0, endsLine: $1) }
        #expect(readFile(path).count > before.count)
        writer.abort()
        #expect(readFile(path) == before)
        // The sink goes on with the next message.
        try Feed.deliver(FixtureMessage("after", "after\n"), to: sink, envelopeFrom: "c@example.org")
        try sink.close()
        let after = readFile(path)
        #expect(Array(after.prefix(before.count)) == before)
        #expect(Self.separate(Array(after.dropFirst(before.count))).rest == bytes("From_\nafter\n\n"))
    }

    @Test func aWriteErrorMidMessageCutsItOff() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let faults = FaultyCalls()
        let sink = try MboxSink(path: path, lockTimeout: 10, calls: faults.calls)
        try Feed.deliver(FixtureMessage.samples[0], to: sink, envelopeFrom: "a@example.org")
        try sink.syncCommitted()
        let before = readFile(path)
        faults.writeLimit = before.count + 70_000
        let error = #expect(throws: DeliveryError.self) {
            try Feed.deliver(FixtureMessage.samples[1], to: sink, envelopeFrom: "b@example.org")
        }
        #expect(error == .writeFailed(errno: ENOSPC))
        #expect(error?.explanation == "cannot write mail: output error")
        #expect(error?.exitStatus == .ioError)
        #expect(readFile(path) == before)
    }

    @Test func aWriteErrorAtTheEndNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let faults = FaultyCalls()
        faults.writeLimit = 0
        faults.writeErrno = EIO
        let sink = try MboxSink(path: path, lockTimeout: 10, calls: faults.calls)
        let error = #expect(throws: DeliveryError.self) {
            try Feed.deliver(FixtureMessage("small", "small\n"), to: sink, envelopeFrom: "a@example.org")
        }
        #expect(error?.explanation == "\(path): output error")
        #expect(readFile(path).isEmpty)
    }

    /// A real full disk: a 64 KB tmpfs (needs the right to mount, which CI
    /// containers may lack; then the same failure is injected instead).
    @Test func aFullDiskLeavesNoHalfMessage() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = try dir.makeDirectory("small")
        let mounted = (try? ProgramRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint],
                                              environment: [:]).status) == 0
        defer {
            if mounted { _ = try? ProgramRunner.run("/bin/umount", [mountPoint], environment: [:]) }
        }
        let faults = FaultyCalls()
        if !mounted {
            faults.writeLimit = 64 * 1024
        }
        let path = mountPoint + "/mbox"
        let sink = try MboxSink(path: path, lockTimeout: 10, calls: faults.calls)
        try Feed.deliver(FixtureMessage.samples[0], to: sink, envelopeFrom: "a@example.org")
        try sink.syncCommitted()
        let before = readFile(path)
        let error = #expect(throws: DeliveryError.self) {
            try Feed.deliver(FixtureMessage.samples[1], to: sink, envelopeFrom: "b@example.org")
        }
        #expect(error == .writeFailed(errno: ENOSPC) || error == .outputError(path: path, errno: ENOSPC))
        #expect(readFile(path) == before)
        try sink.close()
    }

    @Test func smallMessagesCostOneWriteEach() throws {
        let dir = try TemporaryDirectory()
        let faults = FaultyCalls()
        let sink = try MboxSink(path: dir.url("mbox"), lockTimeout: 10, calls: faults.calls)
        for index in 0..<2000 {
            try Feed.deliver(FixtureMessage("m", "Subject: \(index)\n\nbody \(index)\nFrom here\n"), to: sink,
                             envelopeFrom: "a@example.org", receivedHeader: sampleReceivedHeader)
        }
        try sink.syncCommitted()
        #expect(faults.writeCalls == 2000)
        #expect(faults.fsyncCalls == 1)
        try sink.close()
    }

    @Test func devNullNeedsNoSync() throws {
        let sink = try MboxSink(path: "/dev/null")
        try Feed.deliver(FixtureMessage.samples[0], to: sink, envelopeFrom: "a@example.org")
        try sink.syncCommitted()
        try sink.close()
    }

    @Test func aMissingDirectoryCannotBeOpened() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("missing/mbox")
        let error = #expect(throws: DeliveryError.self) { try MboxSink(path: path) }
        #expect(error?.explanation == "cannot open \(path): No such file or directory")
    }

    /// Holds an `fcntl` write lock on `path` from another process (POSIX
    /// locks do not conflict within one process) until the holder is stopped
    /// or `seconds` pass.
    final class LockHolder {
        let process: ChildProcess
        /// Created just before the holder lets go.
        let releasing: String

        init(path: String, seconds: Double, scratch: TemporaryDirectory) throws {
            try Prerequisites.require("/usr/bin/python3", package: "python3")
            let ready = scratch.url("locked")
            releasing = scratch.url("releasing")
            process = try ChildProcess("/usr/bin/python3", ["-c", """
                import fcntl, sys, time
                f = open(sys.argv[1], 'a')
                fcntl.lockf(f, fcntl.LOCK_EX)
                open(sys.argv[2], 'w').close()
                time.sleep(float(sys.argv[3]))
                open(sys.argv[4], 'w').close()
                fcntl.lockf(f, fcntl.LOCK_UN)
                time.sleep(30)
                """, path, ready, String(seconds), releasing], environment: ["PATH": "/usr/bin:/bin"])
            while !FileManager.default.fileExists(atPath: ready) {
                guard process.poll() == nil else { throw MessageFailure("the lock holder exited early") }
                usleep(10_000)
            }
        }
    }

    @Test func waitsForAnotherProcessToReleaseTheLock() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let holder = try LockHolder(path: path, seconds: 0.5, scratch: dir)
        defer { holder.process.terminate() }
        let sink = try MboxSink(path: path)
        #expect(FileManager.default.fileExists(atPath: holder.releasing),
                "the lock was taken while another process held it")
        try Feed.deliver(FixtureMessage("m", "m\n"), to: sink, envelopeFrom: "a@example.org")
        try sink.close()
    }

    @Test func givesUpWhenTheLockStaysTaken() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let holder = try LockHolder(path: path, seconds: 30, scratch: dir)
        defer { holder.process.terminate() }
        let error = #expect(throws: DeliveryError.self) {
            try MboxSink(path: path, lockTimeout: 1, calls: .system)
        }
        #expect(error?.explanation == "cannot lock \(path) (tried for 1 seconds): Resource temporarily unavailable")
        #expect(error?.exitStatus == .ioError)
    }
}
