import Foundation
import Testing
import TestSupport

/// `-d` against each old server: the configuration dump and the whole
/// conversation are the reference's, but for the password, which ours masks
/// and the port, which differs between the two servers. Without pipelining
/// line for line; with it, ours writes more commands before it reads
/// (Docs/Compatibility.md), so there the commands, the replies and the
/// other lines are each compared in order, not how they interleave.
@Suite struct DebugTranscriptTests {
    /// The transcript with the commands, then the replies, each in order,
    /// after the other lines.
    static func byDirection(_ transcript: String) -> String {
        let lines = transcript.split(separator: "\n", omittingEmptySubsequences: false)
        let sent = lines.filter { $0.hasPrefix("--> ") }
        let received = lines.filter { $0.hasPrefix("<-- ") }
        let other = lines.filter { !$0.hasPrefix("--> ") && !$0.hasPrefix("<-- ") }
        return (other + ["sent:"] + sent + ["received:"] + received).joined(separator: "\n")
    }

    @Test(arguments: OldServerPersonality.allCases)
    func debugTranscriptMatchesTheReference(personality: OldServerPersonality) throws {
        for extra in [["--auth=user", "--pipelining=off"], ["--auth=user"], ["--auth=user", "--pipelining=on"],
                      ["--auth=apop"]] {
            var transcripts: [String] = []
            for binary in [MpopBinary.ours, .reference] {
                let server = try OldServer(personality.dialect, messages: OldServerTests.messages)
                defer { server.stop() }
                let home = try TemporaryDirectory()
                let maildir = try home.makeMaildir("Mail")
                let run = try binary.run(server.arguments("-d", auth: nil, extra: ["--delivery=maildir,\(maildir)"] + extra),
                                         home: home.path)
                let lines = run.stdout.replacingOccurrences(of: home.path, with: "HOME")
                    .replacingOccurrences(of: "\r", with: "")
                    .split(separator: "\n")
                    .filter { !$0.hasPrefix("--> PASS ") && !$0.hasPrefix("--> APOP ") && !$0.hasPrefix("port = ") }
                transcripts.append(lines.joined(separator: "\n") + "\nexit \(run.status)\n" + run.stderr)
            }
            if extra.contains("--pipelining=off") {
                #expect(transcripts[0] == transcripts[1], "\(extra)\nours:\n\(transcripts[0])\nreference:\n\(transcripts[1])")
            } else {
                #expect(Self.byDirection(transcripts[0]) == Self.byDirection(transcripts[1]),
                        "\(extra)\nours:\n\(transcripts[0])\nreference:\n\(transcripts[1])")
            }
            #expect(transcripts[0].contains("exit \(extra == ["--auth=apop"] && !personality.offersAPOP ? 69 : 0)\n"))
        }
    }
}
