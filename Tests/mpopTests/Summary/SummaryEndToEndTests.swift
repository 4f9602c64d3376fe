import Foundation
import Testing
import TestSupport

/// `--summary=json` against the harness's dovecot: one line of valid JSON
/// per account, after the account is done, with the numbers of what
/// happened on the server and in the maildir.
@Suite struct SummaryEndToEndTests {
    @Test func aRunWithMessagesCountsNewRetrievedSkippedDeletedAndBytes() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        let messages = try fixture.addAccount("alice", sizes: [300, 2_000, 50_000], extra: "skipsize 20000")

        let first = try fixture.run(["-q", "--summary=json", "alice"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr == "", "\(first)")
        // With -q the summary is all there is on stdout: exactly one line.
        #expect(first.stdout.hasSuffix("}\n") && first.stdout.filter { $0 == "\n" }.count == 1, "\(first)")
        let line = try #require(try SummaryLine.all(in: first.stdout).first)
        #expect(line.orderedKeys == SummaryLine.keys, "\(line)")
        #expect(line.string("account") == "alice")
        #expect(line.string("host") == "127.0.0.1")
        #expect(line.string("user") == "alice")
        #expect(line.int("status") == 0)
        #expect(line.int("total") == 3)
        #expect(line.int("new") == 3)
        #expect(line.int("retrieved") == 2)
        #expect(line.int("skipped") == 1)
        #expect(line.int("deleted") == 2)
        #expect(line.int("bytes") == SummaryFixture.wireSize(messages[0]) + SummaryFixture.wireSize(messages[1]))
        #expect(!line.has("error") && !line.has("server_message"), "\(line)")
        #expect(fixture.delivered("alice") == 2)

        // The large message is still there, still new, still skipped; the
        // summary follows mpop's own status line.
        let second = try fixture.run(["-Q", "--summary=json", "alice"])
        #expect(second.status == 0, "\(second)")
        let lines = second.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4, "\(second)")
        #expect(lines.first == "alice at 127.0.0.1:", "\(second)")
        let again = try SummaryLine(lines[2])
        #expect(again.int("total") == 1)
        #expect(again.int("new") == 1)
        #expect(again.int("retrieved") == 0)
        #expect(again.int("skipped") == 1)
        #expect(again.int("deleted") == 0)
        #expect(again.int("bytes") == 0)
    }

    @Test func anAuthenticationFailureHasItsStatusAndTheServersWords() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        try fixture.addAccount("bob", sizes: [500], password: "wrong")

        let result = try fixture.run(["-q", "--summary=json", "bob"])
        #expect(result.status == 77, "\(result)")
        // Errors still go to stderr, as without --summary.
        #expect(result.stderr.contains("mpop: authentication failed"), "\(result)")
        let lines = try SummaryLine.all(in: result.stdout)
        #expect(lines.count == 1, "\(result)")
        let line = try #require(lines.first)
        #expect(line.orderedKeys == SummaryLine.keys + ["error", "server_message"], "\(line)")
        #expect(line.string("account") == "bob")
        #expect(line.int("status") == 77)
        #expect(line.string("error")?.hasPrefix("authentication failed") == true, "\(line)")
        #expect(line.string("server_message")?.hasPrefix("-ERR") == true, "\(line)")
        // The mailbox was never listed.
        #expect(line.isNull("total") && line.isNull("new"), "\(line)")
        #expect(line.int("retrieved") == 0 && line.int("deleted") == 0 && line.int("bytes") == 0)
        #expect(fixture.delivered("bob") == 0)
    }

    @Test func twoAccountsGiveOneLineEachInTheOrderRun() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        let carol = try fixture.addAccount("carol", sizes: [400, 900], extra: "keep on")
        try fixture.addAccount("dave", sizes: [700], password: "wrong")
        try fixture.addAccount("erin", sizes: [100])

        let result = try fixture.run(["-q", "--summary=json", "dave", "carol"])
        // One failed account: its status is the program's.
        #expect(result.status == 77, "\(result)")
        let lines = try SummaryLine.all(in: result.stdout)
        #expect(lines.map { $0.string("account") } == ["dave", "carol"], "\(result)")
        #expect(lines.map { $0.int("status") } == [77, 0])
        let good = try #require(lines.last)
        #expect(good.int("total") == 2 && good.int("new") == 2 && good.int("retrieved") == 2)
        // keep on: nothing deleted.
        #expect(good.int("deleted") == 0)
        #expect(good.int("bytes") == carol.map(SummaryFixture.wireSize).reduce(0, +))
        #expect(!good.has("error"))

        // Both accounts fine: two lines with status 0, nothing new for carol.
        let both = try fixture.run(["-q", "--summary=json", "carol", "erin"])
        #expect(both.status == 0, "\(both)")
        let twoLines = try SummaryLine.all(in: both.stdout)
        #expect(twoLines.map { $0.string("account") } == ["carol", "erin"])
        #expect(twoLines.map { $0.int("new") } == [0, 1])
        #expect(twoLines.map { $0.int("retrieved") } == [0, 1])
        #expect(twoLines.map { $0.int("deleted") } == [0, 1])
    }

    @Test func hostModeHasNoAccountNameAndStatusOnlyRetrievesNothing() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        try fixture.addAccount("frank", sizes: [100, 200])
        let common = ["--host=127.0.0.1", "--port=\(fixture.dovecot.port)", "--tls",
                      "--tls-trust-file=\(fixture.dovecot.ca.certificateFile)", "--user=frank",
                      "--passwordeval=echo pw-frank", "--delivery=mbox,/dev/null", "--summary=json"]

        let status = try fixture.run(["-q", "-s"] + common)
        #expect(status.status == 0, "\(status)")
        let line = try #require(try SummaryLine.all(in: status.stdout).first)
        #expect(line.isNull("account"), "\(line)")
        #expect(line.string("user") == "frank")
        #expect(line.int("total") == 2 && line.int("new") == 2)
        #expect(line.int("retrieved") == 0 && line.int("deleted") == 0)

        // -A: logged in, but the mailbox was not listed.
        let authOnly = try fixture.run(["-A"] + common)
        #expect(authOnly.status == 0, "\(authOnly)")
        let authLine = try #require(try SummaryLine.all(in: authOnly.stdout).first)
        #expect(authLine.int("status") == 0 && authLine.isNull("total") && authLine.isNull("new"), "\(authLine)")
    }

    /// Whatever an error message holds (quotes, backslashes, control
    /// characters, letters beyond ASCII), the line stays valid JSON, one
    /// printable ASCII line, and says the same text.
    @Test func errorTextIsEscapedJSON() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        try fixture.addAccount("grace", sizes: [100])
        let command = "cat >/dev/null; exit 3 # \"q\" \\ \u{01}\tcaf\u{e9} \u{1F4EC}"
        let result = try fixture.run(["-q", "--summary=json", "--delivery=mda,\(command)", "grace"])
        #expect(result.status == 74, "\(result)")
        let lines = try SummaryLine.all(in: result.stdout)
        #expect(lines.count == 1, "\(result)")
        let line = try #require(lines.first)
        #expect(line.isPrintableASCII, "\(line)")
        #expect(line.string("error") == "\(command) returned exit status 3", "\(line)")
        #expect(line.text.contains(#"\"q\" \\ \u0001\tcaf\u00e9 \ud83d\udcec"#), "\(line)")
        // Nothing was delivered, so nothing was deleted.
        #expect(line.int("retrieved") == 0 && line.int("deleted") == 0)
        #expect(line.int("total") == 1)
    }

    @Test func withoutTheOptionNothingChanges() throws {
        let fixture = try SummaryFixture()
        defer { fixture.stop() }
        try fixture.addAccount("heidi", sizes: [100], extra: "keep on")
        let plain = try fixture.run(["-s", "heidi"])
        let off = try fixture.run(["-s", "--summary=off", "heidi"])
        #expect(plain.status == 0 && off.status == 0)
        #expect(plain.stdout.hasPrefix("heidi at 127.0.0.1:\n"), "\(plain)")
        #expect(!plain.stdout.contains("{"), "\(plain)")
        #expect(off.stdout == plain.stdout)
    }
}
