import Foundation
import Testing
import TestSupport

/// `-d` against each old server: the configuration dump and the whole
/// conversation (so the command sequence, pipelined or not) are the
/// reference's, but for the password, which ours masks and the port, which
/// differs between the two servers.
@Suite struct DebugTranscriptTests {
    @Test(arguments: OldServerPersonality.allCases)
    func debugTranscriptMatchesTheReference(personality: OldServerPersonality) throws {
        for extra in [["--auth=user"], ["--auth=user", "--pipelining=on"], ["--auth=apop"]] {
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
            #expect(transcripts[0] == transcripts[1], "\(extra)\nours:\n\(transcripts[0])\nreference:\n\(transcripts[1])")
            #expect(transcripts[0].contains("exit \(extra == ["--auth=apop"] && !personality.offersAPOP ? 69 : 0)\n"))
        }
    }
}
