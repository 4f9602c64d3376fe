import Foundation
import Testing
import TestSupport

/// `-ERR` to QUIT: no error once `-A`, `-s` or `--serverinfo` has done its
/// job, as in mpop; after a retrieval, 76 (mpop: 65), with the messages
/// remembered so that the next run does not deliver them again.
@Suite struct QuitRefusalTests {
    @Test func quitRefusalMatchesTheReferenceWhereSane() throws {
        var dialect = MpopdLikePersonality.dialect
        dialect.quitRefusal = "-ERR [SYS/PERM] cannot update the maildrop"
        for mode in ["-A", "-s", "--serverinfo"] {
            let (ours, theirs, _) = try ExitCodeTests.runBoth(dialect, mode)
            #expect(ours.status == 0, "\(mode): \(ours)")
            #expect(ours.status == theirs.status, "\(mode): reference \(theirs)")
            #expect(ours.stderr == theirs.stderr, "\(mode)")
        }
        var delivered: [Int] = []
        for binary in [MpopBinary.ours, .reference] {
            let server = try OldServer(dialect, messages: OldServerTests.messages)
            defer { server.stop() }
            let home = try TemporaryDirectory()
            let maildir = try home.makeMaildir("Mail")
            let arguments = server.arguments("-q", auth: "user", extra: ["--delivery=maildir,\(maildir)"])
            let first = try binary.run(arguments, home: home.path)
            #expect(first.status == (binary.path == MpopBinary.reference.path ? 65 : 76), "\(first)")
            #expect(first.stderr.hasPrefix("mpop: command QUIT failed\n"), "\(first)")
            #expect(server.remaining.count == OldServerTests.messages.count)
            _ = try binary.run(arguments, home: home.path)
            delivered.append(try OldServerTests.messages(in: maildir).count)
        }
        #expect(delivered == [OldServerTests.messages.count, OldServerTests.messages.count])
    }
}
