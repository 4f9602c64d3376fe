import Foundation
import Testing
import TestSupport

/// Retrieval settings that change the command sequence (pipelining, keep,
/// a header filter through TOP, size limits) against each old server,
/// ours beside the reference: the same exit, output, delivered bytes and
/// messages left on the server, over two runs (the second one reads the
/// UIDLs file the first wrote).
@Suite struct OldServerVariantTests {
    static let variants: [[String]] = [
        ["--pipelining=on"],
        ["--keep=on"],
        ["--keep=on", "--only-new=off"],
        ["--filter=grep -q 'message 3\\|dots'; test $? -eq 0 && exit 0 || exit 1"],
        ["--killsize=5000"],
        ["--skipsize=300", "--keep=on"],
    ]

    struct Outcome: Equatable, CustomStringConvertible {
        var runs: [String]
        var delivered: [String]
        var left: Int

        var description: String { "\(runs.joined(separator: "\n"))\nleft \(left), delivered \(delivered.count)" }
    }

    @Test(arguments: OldServerPersonality.allCases)
    func variantsMatchTheReference(personality: OldServerPersonality) throws {
        for variant in Self.variants {
            var outcomes: [Outcome] = []
            for binary in [MpopBinary.ours, .reference] {
                let server = try OldServer(personality.dialect, messages: OldServerTests.messages)
                defer { server.stop() }
                let home = try TemporaryDirectory()
                let maildir = try home.makeMaildir("Mail")
                var runs: [String] = []
                for _ in 0..<2 {
                    let run = try binary.run(server.arguments("--half-quiet", auth: "user",
                                                              extra: ["--delivery=maildir,\(maildir)"] + variant),
                                             home: home.path)
                    runs.append("exit \(run.status)\n\(run.stdout)\(run.stderr)")
                }
                outcomes.append(Outcome(runs: runs, delivered: try OldServerTests.messages(in: maildir),
                                        left: server.remaining.count))
            }
            #expect(outcomes[0].runs[0].hasPrefix("exit 0"), "\(variant): \(outcomes[0])")
            #expect(outcomes[0] == outcomes[1], "\(variant)\nours: \(outcomes[0])\nreference: \(outcomes[1])")
        }
    }
}
