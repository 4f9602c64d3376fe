import Foundation
import Testing
import TestSupport

/// A 50 MB message into a maildir: it arrives whole, and ours streams it
/// (peak RSS, from /usr/bin/time, far below the message's size), beside
/// the reference.
@Suite struct LargeMessageTests {
    static func bigMessage(bytes: Int) -> Data {
        var data = Data("From: big@example.org\nSubject: big\nMessage-ID: <big@example.org>\n\n".utf8)
        let line = Data("0123456789 the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ\n".utf8)
        data.reserveCapacity(bytes + line.count)
        while data.count < bytes { data.append(line) }
        return data
    }

    /// Peak RSS in KiB of `binary` fetching `-q test` with `side`'s home.
    static func peakRSS(_ side: SideBySide.Side) throws -> (RunResult, Int) {
        try Prerequisites.require("/usr/bin/time", package: "time")
        let scratch = try TemporaryDirectory(prefix: "mpop-rss")
        let report = scratch.url("rss")
        let result = try ProgramRunner.run("/usr/bin/time", ["-f", "%M", "-o", report, side.binary.path, "-q", "test"],
                                           environment: ["HOME": side.home.path, "PATH": "/usr/bin:/bin", "LC_ALL": "C"],
                                           timeout: 300)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        return (result, Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
    }

    @Test func fiftyMegabytesStreamIntoAMaildir() throws {
        let message = Self.bigMessage(bytes: 50_000_000)
        let pair = try SideBySide(messages: [message])
        defer { pair.stop() }
        try pair.configureBoth(extra: "received_header off")
        let (ours, ourPeak) = try Self.peakRSS(pair.ours)
        let (theirs, theirPeak) = try Self.peakRSS(pair.theirs)
        #expect(ours.status == 0, "\(ours)")
        #expect(theirs.status == 0, "\(theirs)")
        print("50 MB message: peak RSS ours \(ourPeak) KiB, reference \(theirPeak) KiB")
        let names = try FileManager.default.contentsOfDirectory(atPath: pair.ours.maildir + "/new")
        #expect(names.count == 1)
        let delivered = FileManager.default.contents(atPath: pair.ours.maildir + "/new/" + (names.first ?? ""))
        #expect(delivered == message)
        #expect(pair.ours.mailbox.messages.isEmpty)
        // Generous: a debug build's baseline is a few MB; a buffered
        // message would need 50 MB or more.
        #expect(ourPeak > 0 && ourPeak < 40_000, "peak RSS \(ourPeak) KiB")
    }
}
