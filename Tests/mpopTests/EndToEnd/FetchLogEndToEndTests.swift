import Foundation
import Testing
import TestSupport

/// The fetch log (`logfile`, ours after msmtp's) against the harness's
/// dovecot: a line per message event and one per session, no secrets, and
/// a log that cannot be written costs a warning, never mail.
@Suite struct FetchLogEndToEndTests {
    /// The log's lines split into their fields, the time (`[YEAR]`) checked
    /// and dropped.
    static func lines(_ text: String, account: String) throws -> [[String: String]] {
        try text.split(separator: "\n").map { line in
            let words = line.split(separator: " ").map(String.init)
            #expect(words.first?.range(of: #"^\[\d{4}\]$"#, options: .regularExpression) != nil, "\(line)")
            #expect(words.dropFirst().prefix(3) == ["account=\(account)", "host=127.0.0.1", "user=\(account)"],
                    "\(line)")
            var fields: [String: String] = [:]
            for word in words.dropFirst() {
                let pair = try #require(word.split(separator: "=", maxSplits: 1).map(String.init) as [String]?)
                if pair.count == 2 { fields[pair[0]] = pair[1] }
            }
            return fields
        }
    }

    @Test func aRunThatDeliversSkipsKillsDeletesAndKeeps() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        let log = "logfile ~/fetch.log\nlogfile_time_format [%Y]"
        try fixture.addAccount("alice", sizes: [300, 2_000, 50_000, 150_000],
                               extra: "killsize 100000\nskipsize 20000\n" + log)
        try fixture.addAccount("bob", sizes: [400, 500], extra: "keep on")

        let first = try fixture.run(["-q", "alice"])
        #expect(first.status == 0 && first.stderr == "", "\(first)")
        let text = try String(contentsOfFile: fixture.home.url("fetch.log"), encoding: .utf8)
        let lines = try Self.lines(text, account: "alice")
        #expect(lines.map { $0["result"] ?? "session=" + ($0["session"] ?? "?") }
                == ["skipped", "killed", "delivered", "delivered", "deleted", "deleted", "deleted", "session=ok"],
                "\(text)")
        #expect(lines[0]["reason"] == "skipsize" && lines[1]["reason"] == "killsize", "\(text)")
        #expect(lines.dropLast().allSatisfy { $0["delivery"] == "maildir" && $0["size"] != nil }, "\(text)")
        let uids = lines.prefix(4).compactMap { $0["uid"] }
        #expect(Set(uids).count == 4, "\(text)")
        // Deleted: the two delivered and the killed one.
        #expect(Set(lines[4...6].compactMap { $0["uid"] }) == Set([uids[1], uids[2], uids[3]]), "\(text)")
        let session = try #require(lines.last)
        #expect(session["total"] == "4" && session["new"] == "4" && session["delivered"] == "2"
                && session["skipped"] == "2" && session["deleted"] == "3" && session["exitcode"] == "EX_OK",
                "\(text)")
        #expect(!text.contains("pw-alice"), "\(text)")
        #expect(fixture.delivered("alice") == 2)

        // The next run appends: the large message is still skipped.
        _ = try fixture.run(["-q", "alice"])
        let again = try String(contentsOfFile: fixture.home.url("fetch.log"), encoding: .utf8)
        #expect(again.hasPrefix(text), "\(again)")
        let more = try Self.lines(String(again.dropFirst(text.count)), account: "alice")
        #expect(more.map { $0["result"] ?? $0["session"] ?? "?" } == ["skipped", "ok"], "\(again)")
        #expect(more.first?["uid"] == uids[0])

        // keep on, and the log on stdout from the command line.
        let kept = try fixture.run(["-q", "--logfile=-", "--logfile-time-format=[%Y]", "bob"])
        #expect(kept.status == 0 && kept.stderr == "", "\(kept)")
        let keptLines = try Self.lines(kept.stdout, account: "bob")
        #expect(keptLines.map { $0["result"] ?? $0["session"] ?? "?" }
                == ["delivered", "delivered", "kept", "kept", "ok"], "\(kept)")
        #expect(keptLines.last?["deleted"] == "0")
        #expect(!kept.stdout.contains("pw-bob"))
    }

    @Test func aFailedSessionLogsTheErrorAndTheServersReplyButNoPassword() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        try fixture.addAccount("carol", sizes: [500], password: "wrong-secret-carol",
                               extra: "logfile ~/fetch.log\nlogfile_time_format [%Y]")
        let result = try fixture.run(["-q", "carol"])
        #expect(result.status == 77, "\(result)")
        let text = try String(contentsOfFile: fixture.home.url("fetch.log"), encoding: .utf8)
        let lines = try Self.lines(text, account: "carol")
        #expect(lines.count == 1, "\(text)")
        #expect(lines.first?["session"] == "failed" && lines.first?["exitcode"] == "EX_NOPERM", "\(text)")
        #expect(text.contains(" errormsg='authentication failed"), "\(text)")
        #expect(text.contains(" pop3msg='-ERR"), "\(text)")
        #expect(lines.first?["total"] == "-" && lines.first?["delivered"] == "0", "\(text)")
        #expect(!text.contains("wrong-secret-carol") && !text.contains("pw-carol"), "\(text)")
    }

    /// A log file that cannot be written (a missing directory, a full
    /// disk): one warning for the run, the mail delivered, exit 0.
    @Test func anUnwritableLogWarnsOnceAndStillDelivers() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        let path = fixture.home.url("no-such-directory/fetch.log")
        try fixture.addAccount("dave", sizes: [300, 400, 500], extra: "logfile \(path)")
        try fixture.addAccount("erin", sizes: [300, 400])
        let result = try fixture.run(["-q", "dave"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "mpop: warning: cannot write to log file \(path): No such file or directory\n",
                "\(result)")
        #expect(result.stdout == "")
        #expect(fixture.delivered("dave") == 3)

        // A full disk: the same.
        let full = try fixture.run(["-q", "--logfile=/dev/full", "erin"])
        #expect(full.status == 0, "\(full)")
        #expect(full.stderr == "mpop: warning: cannot write to log file /dev/full: No space left on device\n",
                "\(full)")
        #expect(fixture.delivered("erin") == 2)
    }
}
