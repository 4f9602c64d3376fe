import Glibc
import Testing
@testable import mpop
import POP3Core

/// The fetch log's lines, and its writer with the system log and the clock
/// replaced.
@Suite struct FetchLogLineTests {
    static func account(_ change: (inout Account) -> Void = { _ in }) -> Account {
        var account = Account()
        account.name = "work"
        account.host = "pop.example.org"
        account.user = "jdoe"
        account.password = Secret("hunter2")
        account.delivery = .maildir("/home/jdoe/Mail")
        change(&account)
        return account
    }

    @Test func eachOutcomeHasItsWords() {
        let account = Self.account()
        let prefix = "account=work host=pop.example.org user=jdoe uid=A1 size=1234 delivery=maildir "
        let cases: [(MessageEvent.Outcome, String)] = [
            (.delivered, "result=delivered"),
            (.skipped(.skipsize), "result=skipped reason=skipsize"),
            (.skipped(.filter), "result=skipped reason=filter"),
            (.killed(.killsize), "result=killed reason=killsize"),
            (.killed(.filter), "result=killed reason=filter"),
            (.deleted, "result=deleted"),
            (.kept, "result=kept"),
        ]
        for (outcome, words) in cases {
            let event = MessageEvent(number: 3, uid: "A1", size: 1234, outcome: outcome)
            #expect(FetchLogLine.message(event, account: account) == prefix + words)
        }
    }

    @Test func hostModeWithoutUIDLLeavesTheirFieldsOut() {
        let account = Self.account {
            $0.name = nil
            $0.user = nil
            $0.delivery = .mda("procmail -d %F")
        }
        let event = MessageEvent(number: 1, uid: nil, size: 5, outcome: .delivered)
        #expect(FetchLogLine.message(event, account: account)
                == "host=pop.example.org size=5 delivery=mda result=delivered")
    }

    @Test func aUIDWithControlCharactersIsSanitized() {
        let event = MessageEvent(number: 1, uid: "a\u{1B}[2Jb", size: 5, outcome: .delivered)
        #expect(FetchLogLine.message(event, account: Self.account()).contains(" uid=a?[2Jb "))
    }

    @Test func aSuccessfulSessionHasItsCounts() {
        var summary = RunSummary(account: Self.account())
        summary.total = 4
        summary.new = 3
        summary.retrieved = 2
        summary.skipped = 1
        summary.deleted = 3
        #expect(FetchLogLine.session(summary, account: Self.account())
                == "account=work host=pop.example.org user=jdoe session=ok total=4 new=3 delivered=2 skipped=1 "
                + "deleted=3 exitcode=EX_OK")
    }

    @Test func aFailedSessionHasOurWordsAndTheServers() {
        struct Refused: ReportableError {
            var explanation: String { "authentication failed (method USER)" }
            var serverMessage: String? { "-ERR [AUTH] it's\twrong" }
            var exitStatus: POP3Core.ExitStatus { .noPermission }
        }
        var summary = RunSummary(account: Self.account())
        summary.fail(with: Refused())
        let line = FetchLogLine.session(summary, account: Self.account())
        #expect(line == "account=work host=pop.example.org user=jdoe session=failed total=- new=- delivered=0 "
                + "skipped=0 deleted=0 errormsg='authentication failed (method USER)' "
                + "pop3msg='-ERR [AUTH] it\"s?wrong' exitcode=EX_NOPERM")
        #expect(!line.contains("hunter2"))
    }

    @Test func exitCodesHaveTheirSysexitsNames() {
        #expect(FetchLogLine.exitCodeName(.ok) == "EX_OK")
        #expect(FetchLogLine.exitCodeName(.tempFail) == "EX_TEMPFAIL")
        #expect(FetchLogLine.exitCodeName(.config) == "EX_CONFIG")
        #expect(FetchLogLine.exitCodeName(POP3Core.ExitStatus(rawValue: 1)) == "1")
    }

    /// Checked in any time zone (the tests share one process, so TZ stays
    /// as it is): 10^9 seconds is 2001-09-09 01:46:40 UTC, and every zone's
    /// offset is whole minutes.
    @Test func theTimeIsFormattedByStrftime() {
        let time: time_t = 1_000_000_000
        let standard = FetchLogWriter.timestamp(time, format: FetchLogWriter.defaultTimeFormat)
        #expect(standard.utf8.count == 15 && standard.hasPrefix("Sep ") && standard.hasSuffix(":40"), "\(standard)")
        #expect(FetchLogWriter.timestamp(time, format: "%s") == "1000000000")
        #expect(FetchLogWriter.timestamp(time, format: "[%Y] %S") == "[2001] 40")
        #expect(FetchLogWriter.timestamp(time, format: "") == "")
    }

    @Test func facilitiesAreSyslogsCodes() {
        #expect(FetchLogWriter.facilityCode("LOG_USER") == LOG_USER)
        #expect(FetchLogWriter.facilityCode("LOG_MAIL") == LOG_MAIL)
        #expect(FetchLogWriter.facilityCode("LOG_LOCAL0") == LOG_LOCAL0)
        #expect(FetchLogWriter.facilityCode("LOG_LOCAL7") == LOG_LOCAL7)
        #expect(FetchLogWriter.facilityCode("LOG_LOCAL8") == nil)
        #expect(FetchLogWriter.facilityCode("LOG_KERN") == nil)
    }

    /// The writer sends the line without the time to the system log, at
    /// LOG_INFO or, for a failure, LOG_ERR, with the account's facility.
    @Test func syslogGetsTheLineThroughTheSeam() {
        final class Sent: @unchecked Sendable { var lines: [(Int32, Int32, String)] = [] }
        let sent = Sent()
        let writer = FetchLogWriter(syslog: { sent.lines.append(($0, $1, $2)) })
        let console = AccountConsole { bytes, _ in Issue.record("printed: \(String(decoding: bytes, as: UTF8.self))") }
        let local = Self.account { $0.syslog = "LOG_LOCAL3" }
        writer.write("one", failure: false, for: local, console: console)
        writer.write("two", failure: true, for: Self.account { $0.syslog = ConfigValue.syslogDefaultFacility },
                     console: console)
        writer.write("three", failure: false, for: Self.account(), console: console)
        #expect(sent.lines.count == 2)
        #expect(sent.lines.first.map { [$0.0, $0.1] } == [LOG_LOCAL3, LOG_INFO])
        #expect(sent.lines.first?.2 == "one")
        #expect(sent.lines.last.map { [$0.0, $0.1] } == [LOG_MAIL, LOG_ERR])
        #expect(sent.lines.last?.2 == "two")
    }

    @Test func aLogFileGetsTimedLinesAppendedAndAFailureWarnsOnce() throws {
        final class Warnings: @unchecked Sendable { var texts: [String] = [] }
        let warnings = Warnings()
        let console = AccountConsole { bytes, fd in
            #expect(fd == 2)
            warnings.texts.append(String(decoding: bytes, as: UTF8.self))
        }
        let directory = String(cString: mkdtemp(strdup("/tmp/mpop-fetchlog-XXXXXX")))
        defer { _ = system("rm -rf '\(directory)'") }
        let path = directory + "/fetch.log"
        let writer = FetchLogWriter(syslog: { _, _, _ in Issue.record("syslog") }, now: { 1_000_000_000 })
        let account = Self.account {
            $0.logfile = path
            $0.logfileTimeFormat = "%s"
        }
        writer.write("one", failure: false, for: account, console: console)
        writer.write("two", failure: true, for: account, console: console)
        #expect(try Self.contents(of: path) == "1000000000 one\n1000000000 two\n")

        let broken = Self.account { $0.logfile = directory + "/missing/fetch.log" }
        writer.write("three", failure: false, for: broken, console: console)
        writer.write("four", failure: false, for: broken, console: console)
        #expect(warnings.texts == ["mpop: warning: cannot write to log file \(directory)/missing/fetch.log:"
                                   + " No such file or directory\n"])

        // A full disk.
        let full = Self.account { $0.logfile = "/dev/full" }
        writer.write("five", failure: false, for: full, console: console)
        writer.write("six", failure: false, for: full, console: console)
        #expect(warnings.texts.count == 2)
        #expect(warnings.texts.last == "mpop: warning: cannot write to log file /dev/full: No space left on device\n")
    }

    /// Writers appending at the same time (as concurrent mpops do, each
    /// with its own descriptor) never mix their lines.
    @Test func concurrentAppendsKeepEveryLineWhole() async throws {
        let directory = String(cString: mkdtemp(strdup("/tmp/mpop-fetchlog-XXXXXX")))
        defer { _ = system("rm -rf '\(directory)'") }
        let path = directory + "/fetch.log"
        let writers = 4, lines = 250
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let padding = String(repeating: Character(String(writer)), count: 300)
                    for line in 0..<lines {
                        #expect(FetchLogWriter.append("w\(writer) l\(line) \(padding)\n", to: path) == nil)
                    }
                }
            }
        }
        let written = try Self.contents(of: path).split(separator: "\n")
        #expect(written.count == writers * lines)
        for line in written {
            let fields = line.split(separator: " ")
            let writer = fields.first?.dropFirst() ?? ""
            #expect(fields.count == 3 && fields[2] == String(repeating: Character(String(writer)), count: 300),
                    "\(line)")
        }
    }

    static func contents(of path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
