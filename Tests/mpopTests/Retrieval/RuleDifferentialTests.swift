import Foundation
import Testing
import TestSupport

/// The retrieval rules end to end, ours beside the reference on the same
/// dovecot: what each delivers, what each leaves on the server (so what
/// was deleted), the output and the exit status, run after run.
@Suite struct RuleDifferentialTests {
    static let messages: [Data] = [
        SampleMessage.make(index: 1, size: 400),
        SampleMessage.make(index: 2, size: 3_000),
        SampleMessage.make(index: 3, size: 9_000),
        SampleMessage.make(index: 4, size: 20_000),
    ]
    /// LIST sizes, to test `>=` at the exact boundary.
    static let third = SideBySide.listSize(messages[2])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var extra: String
        var arguments: [String] = ["test"]
        var runs = 1
        /// What ours must have left after the last run: delivered, left on the server.
        var expected: (delivered: Int, left: Int)
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "keep off", extra: "keep off", expected: (4, 0)),
        Case(name: "keep on", extra: "keep on", expected: (4, 4)),
        Case(name: "killsize at a LIST size deletes it and larger ones unread",
             extra: "killsize \(third)", expected: (2, 0)),
        Case(name: "killsize with keep on deletes nothing",
             extra: "killsize \(third)\nkeep on", expected: (2, 4)),
        Case(name: "killsize one below", extra: "killsize \(third + 1)", expected: (3, 0)),
        Case(name: "skipsize at a LIST size leaves it and larger ones",
             extra: "skipsize \(third)", expected: (2, 2)),
        Case(name: "skipsize twice: skipped mail is not remembered",
             extra: "skipsize \(third)\nkeep on", runs: 2, expected: (2, 4)),
        Case(name: "only_new on, keep on, twice", extra: "keep on\nonly_new on", runs: 2, expected: (4, 4)),
        Case(name: "only_new off, keep on, twice: everything again",
             extra: "keep on\nonly_new off", runs: 2, expected: (8, 4)),
        Case(name: "only_new off, keep off, twice", extra: "only_new off", runs: 2, expected: (4, 0)),
        Case(name: "-s", extra: "", arguments: ["-s", "test"], expected: (0, 4)),
        Case(name: "-A", extra: "", arguments: ["-A", "test"], expected: (0, 4)),
        Case(name: "--pipelining=off", extra: "", arguments: ["--pipelining=off", "test"], expected: (4, 0)),
        Case(name: "--pipelining=on", extra: "", arguments: ["--pipelining=on", "test"], expected: (4, 0)),
        Case(name: "pipelining off, keep on, killsize",
             extra: "pipelining off\nkeep on\nkillsize \(third)", runs: 2, expected: (2, 4)),
    ]

    @Test(arguments: cases)
    func matchesTheReference(_ rule: Case) throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth(extra: rule.extra)
        for (run, outcome) in try pair.runBoth(rule.arguments, times: rule.runs).enumerated() {
            #expect(outcome.ours == outcome.theirs, "run \(run + 1)\nours: \(outcome.ours)\ntheirs: \(outcome.theirs)")
        }
        #expect(pair.ours.deliveredMessages.count == rule.expected.delivered)
        #expect(pair.ours.mailbox.messages.count == rule.expected.left)
    }

    /// A header filter deciding by subject: 0 keep, 1 delete, 2 ignore,
    /// and ≥ 3 an error; `%F` and `%S` are logged and compared.
    @Test(arguments: [(3, Int32(74)), (0, Int32(0))])
    func headerFilter(fourthExit: Int, status: Int32) throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        for side in [pair.ours, pair.theirs] {
            let log = side.home.url("filter.log")
            let script = try side.home.write("filter.sh", """
                echo "from=$1 size=$2" >> \(log)
                sed -n 's/^Subject: //p' >> \(log)
                case "$(tail -n 1 \(log))" in
                  "sample message 1") exit 0 ;;
                  "sample message 2") exit 1 ;;
                  "sample message 3") exit 2 ;;
                  *) exit \(fourthExit) ;;
                esac

                """, mode: 0o755)
            try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile,
                               extra: "filter /bin/sh \(script) %F %S")
        }
        let outcomes = try pair.runBoth(["test"], times: 2)
        for (run, outcome) in outcomes.enumerated() {
            #expect(outcome.ours == outcome.theirs, "run \(run + 1)\nours: \(outcome.ours)\ntheirs: \(outcome.theirs)")
        }
        #expect(outcomes[0].ours.status == status)
        let ourLog = try String(contentsOfFile: pair.ours.home.url("filter.log"), encoding: .utf8)
        let theirLog = try String(contentsOfFile: pair.theirs.home.url("filter.log"), encoding: .utf8)
        #expect(ourLog == theirLog)
        #expect(ourLog.contains("from=sender2@example.org size=\(SideBySide.listSize(Self.messages[1]))"), "\(ourLog)")
        if fourthExit == 0 {
            // 1 and 4 delivered, 2 deleted unread, 3 ignored (and asked again next time).
            #expect(pair.ours.deliveredMessages.count == 2)
            #expect(pair.ours.mailbox.messages.count == 1)
        } else {
            #expect(pair.ours.deliveredMessages.isEmpty)
            #expect(pair.ours.mailbox.messages.count == 4)
        }
    }

    /// An MDA with `%F` receives the same bytes and argument from both.
    @Test func mdaWithEnvelopeFromGetsTheReferenceBytes() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        for side in [pair.ours, pair.theirs] {
            let out = try side.home.makeDirectory("mda")
            let script = try side.home.write("mda.sh", """
                n=$(ls \(out) | wc -l)
                { echo "envelope from: $1"; cat; } > \(out)/$n

                """, mode: 0o755)
            try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile,
                               extra: "delivery mda /bin/sh \(script) %F")
        }
        let outcome = try pair.runBoth(["-q", "test"])[0]
        #expect(outcome.ours == outcome.theirs, "ours: \(outcome.ours)\ntheirs: \(outcome.theirs)")
        func files(_ side: SideBySide.Side) -> [String] {
            (0..<Self.messages.count).map { index in
                let data = FileManager.default.contents(atPath: side.home.url("mda/\(index)")) ?? Data()
                return SideBySide.normalized(String(decoding: data, as: UTF8.self))
            }
        }
        #expect(files(pair.ours) == files(pair.theirs))
        #expect(files(pair.ours)[1].hasPrefix("envelope from: sender2@example.org\nReceived: from"))
    }

    /// mpop's rule for several accounts: the first failure's status, or 75
    /// when two or more failed; the others are still served. (A refused
    /// connection is itself 75, EX_TEMPFAIL, in mpop.)
    @Test(arguments: [["test", "refused"], ["wrong", "test"], ["wrong", "refused", "test"], ["test", "test"]])
    func severalAccountsInOneRun(_ accounts: [String]) throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        let closed = try FreePort.next()
        try pair.configureBoth(extra: """
            keep on

            account wrong : test
            passwordeval echo wrong

            account refused : test
            port \(closed)
            """)
        let outcome = try pair.runBoth(["-q"] + accounts)[0]
        #expect(outcome.ours == outcome.theirs, "ours: \(outcome.ours)\ntheirs: \(outcome.theirs)")
        let failures = accounts.filter { $0 != "test" }.count
        #expect(outcome.ours.status == (failures == 0 ? 0 : failures == 1 ? (accounts.contains("wrong") ? 77 : 75) : 75),
                "\(outcome.ours)")
        #expect(pair.ours.deliveredMessages.count == 4)
    }
}
