import Foundation
import Testing
import TestSupport

/// Debian's mpopd, a real (small) server: ours and the reference give the
/// same `--serverinfo` and `--auth-only` results and deliver the same bytes.
@Suite struct MpopdTests {
    static func arguments(_ mode: String, _ mpopd: MpopdServer, password: String? = nil,
                          extra: [String] = []) -> [String] {
        [mode, "--host=127.0.0.1", "--port=\(mpopd.port)", "--user=\(mpopd.user)",
         "--passwordeval=echo \(password ?? mpopd.password)", "--auth=user"] + extra
    }

    @Test func serverInfoAndAuthOnlyMatchTheReference() throws {
        let mpopd = try MpopdServer()
        defer { mpopd.stop() }
        let home = try TemporaryDirectory()
        let runs: [(arguments: [String], expected: Int32)] = [
            (Self.arguments("--serverinfo", mpopd), 0),
            (Self.arguments("-A", mpopd, extra: ["--delivery=mbox,/dev/null"]), 0),
            (Self.arguments("-A", mpopd, password: "wrong", extra: ["--delivery=mbox,/dev/null"]), 77),
        ]
        for (arguments, expected) in runs {
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == expected, "\(arguments[0]): \(ours)")
            #expect(ours.status == theirs.status, "\(arguments[0]): reference \(theirs)")
            #expect(ours.stdout == theirs.stdout)
            #expect(ours.stderr == theirs.stderr)
        }
    }

    @Test func retrievalMatchesTheReference() throws {
        var delivered: [[String]] = []
        for binary in [MpopBinary.ours, .reference] {
            let mpopd = try MpopdServer()
            defer { mpopd.stop() }
            for (index, message) in OldServerTests.messages.enumerated() {
                try mpopd.mailbox.put(message, name: String(format: "%010d.M%06dP1.test", 1_700_000_000 + index, index))
            }
            let home = try TemporaryDirectory()
            let maildir = try home.makeMaildir("Mail")
            let status = try binary.run(Self.arguments("-s", mpopd, extra: ["--delivery=maildir,\(maildir)"]),
                                        home: home.path)
            #expect(status.status == 0, "\(binary.path): \(status)")
            #expect(status.stdout.contains("new: 3 messages"), "\(status)")
            let run = try binary.run(Self.arguments("-q", mpopd, extra: ["--delivery=maildir,\(maildir)"]),
                                     home: home.path)
            #expect(run.status == 0, "\(binary.path): \(run)")
            #expect(run.stdout == "" && run.stderr == "", "\(binary.path): \(run)")
            #expect(mpopd.mailbox.messages.isEmpty, "\(binary.path) left messages on mpopd")
            delivered.append(try OldServerTests.messages(in: maildir))
        }
        #expect(delivered[0].count == OldServerTests.messages.count)
        #expect(delivered[0] == delivered[1])
    }
}
