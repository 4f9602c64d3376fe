import Foundation
import Testing
import TestSupport

/// The server hangs up where a reply is due, at each point of a session in
/// turn: ours reports what the reference reports, with the same exit code
/// (but 76 for a lost DELE or QUIT reply, where mpop 1.4.18 says 65). A
/// lost QUIT reply after `-A`, `-s` or `--serverinfo` has done its job is
/// no error, as in mpop.
@Suite struct HangUpTests {
    @Test(arguments: ["-q", "-s", "-A", "--serverinfo"])
    func hangUpAtEachReplyMatchesTheReference(mode: String) throws {
        // CAPA USER PASS CAPA STAT LIST UIDL RETR×3 DELE×3 QUIT, and one more.
        for hangUpAt in 0...15 {
            var results: [RunResult] = []
            for binary in [MpopBinary.ours, .reference] {
                let server = try OldServer.hangingUp(MpopdLikePersonality.dialect, messages: OldServerTests.messages,
                                                     hangUpAt: hangUpAt)
                defer { server.stop() }
                let home = try TemporaryDirectory()
                let maildir = try home.makeMaildir("Mail")
                var run = try binary.run(
                    [mode, "--host=127.0.0.1", "--port=\(server.port)", "--user=joe", "--auth=user",
                     "--passwordeval=echo secret", "--delivery=maildir,\(maildir)", "--timeout=10"],
                    home: home.path, timeout: 30)
                run.stderr = run.stderr.replacingOccurrences(of: home.path, with: "HOME")
                run.stdout = run.stdout.replacingOccurrences(of: "port \(server.port)", with: "port PORT")
                results.append(run)
            }
            let (ours, theirs) = (results[0], results[1])
            #expect(!ours.timedOut, "\(mode) hang up at \(hangUpAt): \(ours)")
            if mode == "-q" && (11...14).contains(hangUpAt) {
                // DELE and QUIT: ours says 76 where mpop 1.4.18 says 65.
                #expect(ours.status == 76, "\(mode) hang up at \(hangUpAt): \(ours)")
                #expect(theirs.status == 65, "\(mode) hang up at \(hangUpAt): reference \(theirs)")
            } else {
                #expect(ours.status == theirs.status, "\(mode) hang up at \(hangUpAt): ours \(ours)\nreference \(theirs)")
            }
            #expect(ours.stderr == theirs.stderr, "\(mode) hang up at \(hangUpAt): ours \(ours)\nreference \(theirs)")
            #expect(ours.stdout == theirs.stdout, "\(mode) hang up at \(hangUpAt)")
        }
    }
}
