import Foundation
import Testing
import TestSupport

/// Our deliberate deviation: when stdout is not a terminal, progress is one
/// plain line per message (`retrieving message I of N (SIZE): 100`), where
/// mpop 1.4.18 writes its percentages with backspaces into the log.
@Suite struct ProgressOutputTests {
    @Test func progressIsPlainLinesWhenStdoutIsNotATerminal() throws {
        let messages = [SampleMessage.make(index: 1, size: 400), SampleMessage.make(index: 2, size: 300_000)]
        let pair = try SideBySide(messages: messages)
        defer { pair.stop() }
        try pair.configureBoth()
        let ours = try pair.ours.run(["test"])
        let theirs = try pair.theirs.run(["test"])
        #expect(ours.status == 0 && theirs.status == 0)
        let lines = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5, "\(ours.stdout)")
        #expect(lines[2].hasPrefix("retrieving message 1 of 2 (") && lines[2].hasSuffix("): 100"), "\(ours.stdout)")
        #expect(lines[3].hasPrefix("retrieving message 2 of 2 (") && lines[3].hasSuffix("): 100"), "\(ours.stdout)")
        #expect(!ours.stdout.contains("\u{8}"))
        // The reference writes `  0%` and backspaces even into a file.
        #expect(theirs.stdout.contains("\u{8}"))
        // Stripped of the percentages, both say the same.
        let theirPlain = theirs.stdout.replacingOccurrences(of: #"(  0%|[ 0-9]{3})?\x08+"#, with: "",
                                                             options: .regularExpression)
        #expect(ours.stdout.replacingOccurrences(of: "ours at", with: "USER at")
                == theirPlain.replacingOccurrences(of: "theirs at", with: "USER at"))
    }
}
