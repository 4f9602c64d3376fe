import Foundation
import Testing
import TestSupport

/// Several accounts served side by side (`simultaneous_accounts`, default
/// 6): the same output, byte for byte, and the same exit status as one
/// after another (`--simultaneous-accounts=1`, mpop's way); accounts that
/// share a UIDLs file or a login never overlap, those that share an mbox
/// take turns at it, and nothing is delivered twice or torn.
@Suite(.serialized) struct SimultaneousAccountsTests {
    /// Seven accounts: slow and fast servers, a server that refuses STAT,
    /// one that refuses the password, one where nobody listens; `keep on`
    /// so that each run finds the same mail.
    static func mixedFixture() throws -> SideBySideFixture {
        let fixture = try SideBySideFixture()
        var refusesStat = MiniPOP3.Faults()
        refusesStat.stat = { $0.line("-ERR [SYS/TEMP] try later") }
        var refusesLogin = MiniPOP3.Faults()
        refusesLogin.user = { $0.line("-ERR [AUTH] who are you") }
        try fixture.addServer(uids: ["s0-1", "s0-2", "s0-3"], hold: 0.8)
        try fixture.addServer(uids: ["s1-1", "s1-2"], hold: 0.1)
        try fixture.addServer(uids: ["s2-1"], hold: 0.4, faults: refusesStat)
        try fixture.addServer(uids: [], hold: 0.2)
        try fixture.addServer(uids: ["s4-1"], hold: 0.5, faults: refusesLogin)
        try fixture.addServer(uids: ["s5-1", "s5-2", "s5-3", "s5-4"], hold: 0.05)
        let closed = try Loopback.listen()
        close(closed.0)
        for index in 0..<6 {
            try fixture.addAccount("acct\(index)", server: index, extra: "keep on")
        }
        try fixture.addAccount("nobody", port: closed.1, extra: "keep on")
        return fixture
    }

    /// Runs `arguments` on every account one by one, then side by side
    /// (after undoing the deliveries), and expects the same output, but
    /// for the lines of `-d` that show the setting itself. With `sessions`,
    /// the servers see the sessions overlap only side by side (`-A` ends
    /// before the UIDL where they are counted).
    static func expectSameOutput(_ fixture: SideBySideFixture, _ arguments: [String], sessions: Bool = true) throws {
        try fixture.forgetDeliveries()
        fixture.overlap.reset()
        let oneByOne = try fixture.run(["--simultaneous-accounts=1"] + arguments + ["-a"])
        if sessions { #expect(fixture.overlap.mostAtOnce == 1, "\(arguments): one by one, sessions overlapped") }
        try fixture.forgetDeliveries()
        fixture.overlap.reset()
        let sideBySide = try fixture.run(["--simultaneous-accounts=6"] + arguments + ["-a"])
        if sessions { #expect(fixture.overlap.mostAtOnce >= 2, "\(arguments): side by side, no sessions overlapped") }
        #expect(!oneByOne.timedOut && !sideBySide.timedOut)
        func withoutSetting(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("simultaneous_accounts = ") }.joined(separator: "\n")
        }
        #expect(withoutSetting(sideBySide.stdout) == withoutSetting(oneByOne.stdout),
                "\(arguments): one by one \(oneByOne)\nside by side \(sideBySide)")
        #expect(sideBySide.stderr == oneByOne.stderr, "\(arguments): one by one \(oneByOne)\nside by side \(sideBySide)")
        #expect(sideBySide.status == oneByOne.status)
        // Three failures: mpop's rule gives 75.
        #expect(sideBySide.status == 75, "\(sideBySide)")
        if arguments.contains("-d") {
            #expect(sideBySide.stdout.contains("simultaneous_accounts = 6\n"))
        }
    }

    @Test func theOutputIsThatOfOneAccountAfterAnother() throws {
        let fixture = try Self.mixedFixture()
        defer { fixture.stop() }
        try Self.expectSameOutput(fixture, [])
        try Self.expectSameOutput(fixture, ["-d"])
        try Self.expectSameOutput(fixture, ["-Q", "--summary=json"])
        try Self.expectSameOutput(fixture, ["-q"])
        try Self.expectSameOutput(fixture, ["-s"])
        try Self.expectSameOutput(fixture, ["-A"], sessions: false)
        // And every message of the working accounts arrived once.
        for (index, uids) in [(0, ["s0-1", "s0-2", "s0-3"]), (1, ["s1-1", "s1-2"]), (5, ["s5-1", "s5-2", "s5-3", "s5-4"])] {
            try fixture.forgetDeliveries()
            _ = try fixture.run(["-q", "-a"])
            #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct\(index)")) == uids)
        }
    }

    @Test func theExitStatusIsTheFirstFailureWhenOnlyOneAccountFails() throws {
        let fixture = try SideBySideFixture()
        defer { fixture.stop() }
        var refusesLogin = MiniPOP3.Faults()
        refusesLogin.user = { $0.line("-ERR [AUTH] who are you") }
        try fixture.addServer(uids: ["a-1"], hold: 0.5)
        try fixture.addServer(uids: ["b-1"], hold: 0.1, faults: refusesLogin)
        try fixture.addServer(uids: ["c-1"], hold: 0.1)
        for index in 0..<3 { try fixture.addAccount("acct\(index)", server: index) }
        let result = try fixture.run(["-q", "-a"])
        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.hasSuffix("mpop: error during mail retrieval (account acct1 from \(fixture.home.url(".mpoprc")))\n"),
                "\(result)")
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct0")) == ["a-1"])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct2")) == ["c-1"])
    }

    /// Three accounts on three servers, one UIDLs file and one mbox: they
    /// run one after another; every message is in the mbox once and whole,
    /// and a second run fetches nothing.
    @Test func accountsSharingAUIDLsFileAndAnMboxDeliverEverythingOnce() throws {
        let fixture = try SideBySideFixture()
        defer { fixture.stop() }
        let mbox = fixture.home.url("shared.mbox")
        var expected: [String] = []
        for index in 0..<3 {
            let uids = (1...4).map { "m\(index)-\($0)" }
            expected += uids
            try fixture.addServer(uids: uids, hold: 0.3)
            try fixture.addAccount("acct\(index)", server: index, delivery: "mbox \(mbox)",
                                   extra: "uidls_file ~/shared-uidls")
        }
        let first = try fixture.run(["-q", "-a"])
        #expect(first.status == 0 && first.stderr == "", "\(first)")
        #expect(fixture.overlap.mostAtOnce == 1, "accounts sharing an mbox and a UIDLs file overlapped")
        let text = try String(contentsOfFile: mbox, encoding: .utf8)
        // Whole and not interleaved, in server order per account.
        let seen = try SideBySideFixture.mboxUIDs(text)
        #expect(seen.count == expected.count, "\(text)")
        #expect(seen == expected, "\(text)")
        for (pop, _) in fixture.servers { #expect(pop.remainingUIDs.isEmpty) }

        let again = try fixture.run(["-q", "-a"])
        #expect(again.status == 0 && again.stderr == "", "\(again)")
        #expect(try String(contentsOfFile: mbox, encoding: .utf8) == text)
    }

    /// Three accounts with UIDLs files of their own and one mbox: they run
    /// side by side (the lists overlap) and take turns at the mbox, so each
    /// account's messages are in it once, whole, and together.
    @Test func accountsSharingOnlyAnMboxTakeTurnsAtIt() throws {
        let fixture = try SideBySideFixture()
        defer { fixture.stop() }
        let mbox = fixture.home.url("shared.mbox")
        var expected: [[String]] = []
        for index in 0..<3 {
            let uids = (1...6).map { "b\(index)-\($0)" }
            expected.append(uids)
            try fixture.addServer(uids: uids, hold: 0.5)
            try fixture.addAccount("acct\(index)", server: index, delivery: "mbox \(mbox)",
                                   extra: "uidls_file ~/uidls-\(index)")
        }
        let first = try fixture.run(["-q", "-a"])
        #expect(first.status == 0 && first.stderr == "", "\(first)")
        #expect(fixture.overlap.mostAtOnce >= 2, "accounts with only an mbox in common did not overlap")
        let text = try String(contentsOfFile: mbox, encoding: .utf8)
        let seen = try SideBySideFixture.mboxUIDs(text)
        // One account's messages together, in server order; the accounts
        // in whatever order they reached the mbox.
        var runs: [[String]] = []
        for uid in seen {
            let account = uid.split(separator: "-").first
            if let last = runs.last?.last, last.split(separator: "-").first == account {
                runs[runs.count - 1].append(uid)
            } else {
                runs.append([uid])
            }
        }
        #expect(runs.sorted { $0[0] < $1[0] } == expected, "\(seen)")
        for (pop, _) in fixture.servers { #expect(pop.remainingUIDs.isEmpty) }
        let again = try fixture.run(["-q", "-a"])
        #expect(again.status == 0 && again.stderr == "", "\(again)")
        #expect(try String(contentsOfFile: mbox, encoding: .utf8) == text)
    }

    /// Three accounts into one maildir, side by side: each message once.
    @Test func accountsSharingAMaildirDeliverEverythingOnce() throws {
        let fixture = try SideBySideFixture()
        defer { fixture.stop() }
        let maildir = try fixture.maildir("Shared")
        var expected: [String] = []
        for index in 0..<3 {
            let uids = (1...20).map { "d\(index)-\($0)" }
            expected += uids
            try fixture.addServer(uids: uids, hold: 0.5)
            try fixture.addAccount("acct\(index)", server: index, delivery: "maildir \(maildir)")
        }
        let result = try fixture.run(["-q", "-a"])
        #expect(result.status == 0 && result.stderr == "", "\(result)")
        #expect(fixture.overlap.mostAtOnce >= 2, "accounts with only a maildir in common did not overlap")
        #expect(SideBySideFixture.maildirUIDs(maildir) == expected.sorted())
        let again = try fixture.run(["-q", "-a"])
        #expect(again.status == 0, "\(again)")
        #expect(SideBySideFixture.maildirUIDs(maildir) == expected.sorted())
    }

    /// Two accounts with the same login (server and user) but UIDLs files
    /// of their own: they do not overlap, so the second finds the mailbox
    /// the first left, and nothing is fetched twice.
    @Test func accountsWithTheSameLoginRunOneAfterTheOther() throws {
        let fixture = try SideBySideFixture()
        defer { fixture.stop() }
        try fixture.addServer(uids: ["l-1", "l-2", "l-3"], hold: 0.5)
        try fixture.addServer(uids: ["o-1"], hold: 0.5)
        try fixture.addAccount("first", server: 0, user: "same", extra: "uidls_file ~/first-uidls")
        try fixture.addAccount("other", server: 1)
        try fixture.addAccount("second", server: 0, user: "same", extra: "uidls_file ~/second-uidls")
        let result = try fixture.run(["-q", "-a"])
        #expect(result.status == 0 && result.stderr == "", "\(result)")
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/first")) == ["l-1", "l-2", "l-3"])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/second")) == [])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/other")) == ["o-1"])
        #expect(fixture.serverOverlaps[0].mostAtOnce == 1, "the two logins overlapped")
        #expect(fixture.overlap.mostAtOnce == 2, "\"other\" ran beside neither")
    }
}

/// SIGINT and SIGTERM in a run of several accounts at once, and passwords
/// asked for before any account connects.
@Suite(.serialized) struct SimultaneousAccountsSignalTests {
    /// Holds sessions in UIDL until released.
    final class Gate: @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var closed = true
        private var count = 0

        var stall: (Int) -> Void {
            { [self] _ in
                lock.lock()
                let wait = closed
                if wait { count += 1 }
                lock.unlock()
                guard wait else { return }
                entered.signal()
                _ = release.wait(timeout: .now() + 60)
            }
        }

        var stalled: Int { lock.lock(); defer { lock.unlock() }; return count }

        func open() {
            lock.lock()
            closed = false
            lock.unlock()
            for _ in 0..<8 { release.signal() }
        }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsEveryRunningAccountAndNoOtherStarts(signal: Int32) throws {
        let fixture = try SideBySideFixture()
        let gate = Gate()
        defer {
            gate.open()
            fixture.stop()
        }
        var stalling = MiniPOP3.Faults()
        stalling.beforeUIDL = gate.stall
        try fixture.addServer(uids: ["g-1", "g-2"], hold: 0)
        try fixture.addServer(uids: ["h-1", "h-2"], hold: 0, faults: stalling)
        try fixture.addServer(uids: ["i-1"], hold: 0, faults: stalling)
        try fixture.addAccount("acct0", server: 0)
        try fixture.addAccount("acct1", server: 1, user: "same")
        try fixture.addAccount("acct2", server: 2)
        // Same login as acct1: it waits for acct1, which never ends by itself.
        try fixture.addAccount("acct3", server: 1, user: "same")

        let scratch = try TemporaryDirectory(prefix: "mpop-side-signal")
        let run = try SignalledRun(home: fixture.home.path, arguments: ["-a"], scratch: scratch, index: 0)
        let (status, hit, _) = run.signal(signal, when: {
            gate.stalled == 2 && fixture.servers[0].pop.remainingUIDs.isEmpty
        }, jitter: 0.3, limit: 30, observe: { () })
        #expect(hit, "mpop ended before the signal: \(run.stderr)")
        let rc = fixture.home.url(".mpoprc")
        let stderr = run.stderr
        // Each stopped account says so, in configured order; acct3 never started.
        let lines = stderr.split(separator: "\n").map(String.init)
        let one = lines.firstIndex(of: "mpop: error during mail retrieval (account acct1 from \(rc))")
        let two = lines.firstIndex(of: "mpop: error during mail retrieval (account acct2 from \(rc))")
        #expect(one != nil && two != nil && one! < two!, "\(stderr)")
        #expect(lines.filter { $0 == "mpop: operation aborted" }.count == 2, "\(stderr)")
        #expect(!stderr.contains("acct3") && !stderr.contains("acct0"), "\(stderr)")
        #expect(fixture.connections[1].value == 1, "acct3 connected after the signal")
        // One aborted account's status, as when the run stops at the first.
        #expect(status == 74, "status \(status): \(stderr)")
        let stdout = (try? String(contentsOfFile: scratch.url("stdout-0"), encoding: .utf8)) ?? ""
        #expect(stdout.hasPrefix("acct0 at 127.0.0.1:\n"), "\(stdout)")
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct0")) == ["g-1", "g-2"])

        // What acct0 committed stays; the rest comes now, nothing twice.
        gate.open()
        let again = try fixture.run(["-q", "-a"])
        #expect(again.status == 0 && again.stderr == "", "\(again)")
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct0")) == ["g-1", "g-2"])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct1")) == ["h-1", "h-2"])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct2")) == ["i-1"])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct3")) == [])
    }

    /// Two accounts without a password: both are asked for, in account
    /// order, on the terminal, before either connects.
    @Test func passwordsAreAskedForFirstOneAtATime() throws {
        try Prerequisites.require("/usr/bin/python3", package: "python3")
        let fixture = try SideBySideFixture()
        defer { fixture.stop() }
        try fixture.addServer(uids: ["p-1"], hold: 0)
        try fixture.addServer(uids: ["q-1"], hold: 0)
        try fixture.addAccount("acct0", server: 0, extra: "password")
        try fixture.addAccount("acct1", server: 1, extra: "password")
        // Unset the password of the defaults for both accounts.
        let rc = try String(contentsOfFile: fixture.home.url(".mpoprc"), encoding: .utf8)
        try fixture.home.write(".mpoprc", rc.replacingOccurrences(of: "password pw\n", with: ""))
        let driver = """
            import os, pty, select, sys, time
            marker = os.path.join(os.environ["HOME"], "connected")
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out, asked = b"", []
            while True:
                ready, _, _ = select.select([fd], [], [], 60)
                if not ready:
                    break
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                out += data
                for user in ("acct0", "acct1"):
                    if user not in asked and ("password for %s at 127.0.0.1: " % user).encode() in out:
                        # A run that did not wait would connect meanwhile.
                        time.sleep(0.5)
                        out += b"[connected]" if os.path.exists(marker) else b"[nobody connected]"
                        os.write(fd, ("pw-%s\\n" % user).encode())
                        asked.append(user)
            _, status = os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        let result = try ProgramRunner.run("/usr/bin/python3", ["-c", driver, MpopBinary.ours.path, "-a"],
                                           environment: ["HOME": fixture.home.path, "PATH": "/usr/local/bin:/usr/bin:/bin",
                                                         "LC_ALL": "C", "USER": "mpoptest", "TZ": "UTC"],
                                           timeout: 90)
        let transcript = result.stdout
        let first = transcript.range(of: "password for acct0 at 127.0.0.1: [nobody connected]")
        let second = transcript.range(of: "password for acct1 at 127.0.0.1: [nobody connected]")
        let status = transcript.range(of: "acct0 at 127.0.0.1:\r\n")
        #expect(first != nil && second != nil && status != nil, "\(result)")
        if let first, let second, let status {
            #expect(first.upperBound <= second.lowerBound && second.upperBound <= status.lowerBound, "\(result)")
        }
        #expect(result.status == 0, "\(result)")
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct0")) == ["p-1"])
        #expect(SideBySideFixture.maildirUIDs(fixture.home.url("Mail/acct1")) == ["q-1"])
    }
}
