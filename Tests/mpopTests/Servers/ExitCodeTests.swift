import Foundation
import Testing
import TestSupport

/// Exit codes for temporary and protocol failures, where ours deliberately
/// differs from mpop 1.4.18 (Docs/Compatibility.md), and for network
/// failures, where it agrees. The reference's codes are asserted too, so
/// that the deviation stays documented by a test.
@Suite struct ExitCodeTests {
    static func runBoth(_ dialect: OldServerDialect, _ mode: String, auth: String = "user")
        throws -> (ours: RunResult, theirs: RunResult, oursLeft: Int) {
        let home = try TemporaryDirectory()
        var results: [RunResult] = []
        var oursLeft = 0
        for binary in [MpopBinary.ours, .reference] {
            let server = try OldServer(dialect, messages: OldServerTests.messages)
            defer { server.stop() }
            let maildir = try home.makeMaildir("Mail-\(results.count)")
            results.append(try binary.run(server.arguments(mode, auth: auth, extra: ["--delivery=maildir,\(maildir)"]),
                                          home: home.path))
            if results.count == 1 { oursLeft = server.remaining.count }
        }
        return (results[0], results[1], oursLeft)
    }

    static let temporaryRefusals = [
        "-ERR [IN-USE] mailbox locked by another session",
        "-ERR [LOGIN-DELAY] minimum time between logins not reached",
        "-ERR [SYS/TEMP] temporary failure, try again later",
    ]

    /// A login refused with a temporary response code exits 75 (EX_TEMPFAIL)
    /// so that cron jobs and scripts retry; mpop 1.4.18 says 77, as for a
    /// wrong password. The code counts whether or not the server
    /// advertises RESP-CODES (qpopper does, the mpopd-like server does not).
    @Test(arguments: temporaryRefusals)
    func temporaryLoginRefusalExits75(refusal: String) throws {
        let logins = [(QpopperPersonality.dialect, "user"), (QpopperPersonality.dialect, "apop"),
                      (MpopdLikePersonality.dialect, "user")]
        for (base, auth) in logins {
            var dialect = base
            dialect.loginRefusal = refusal
            let (ours, theirs, _) = try Self.runBoth(dialect, "-q", auth: auth)
            #expect(ours.status == 75, "\(auth): \(ours)")
            #expect(theirs.status == 77, "\(auth): reference \(theirs)")
            #expect(ours.stderr.contains("mpop: POP3 server message: \(refusal)\n"), "\(ours)")
            // The same for --auth-only.
            let authOnly = try Self.runBoth(dialect, "-A", auth: auth)
            #expect(authOnly.ours.status == 75, "\(auth): \(authOnly.ours)")
        }
    }

    /// The same codes on STAT exit 75; mpop 1.4.18 says 76.
    @Test(arguments: temporaryRefusals)
    func temporaryStatRefusalExits75(refusal: String) throws {
        var dialect = MpopdLikePersonality.dialect
        dialect.statRefusal = refusal
        let (ours, theirs, left) = try Self.runBoth(dialect, "-q")
        #expect(ours.status == 75, "\(ours)")
        #expect(theirs.status == 76, "reference \(theirs)")
        #expect(ours.stderr == theirs.stderr)
        #expect(left == OldServerTests.messages.count)
    }

    /// `-ERR` to DELE exits 76 (a protocol failure); mpop 1.4.18 exits 65
    /// (EX_DATAERR, its UIDLs-file code). Either way the messages were
    /// delivered and the next run does not fetch them again.
    @Test func failedDeleteExits76() throws {
        var dialect = MpopdLikePersonality.dialect
        dialect.deleRefusal = "-ERR cannot delete"
        let (ours, theirs, left) = try Self.runBoth(dialect, "-q")
        #expect(ours.status == 76, "\(ours)")
        #expect(theirs.status == 65, "reference \(theirs)")
        #expect(ours.stderr == theirs.stderr)
        #expect(ours.stderr.hasPrefix("mpop: command DELE 1 failed\nmpop: POP3 server message: -ERR cannot delete\n"))
        #expect(left == OldServerTests.messages.count)
    }

    @Test func connectionRefusedExits75() throws {
        let home = try TemporaryDirectory()
        let port = try FreePort.next()
        for mode in ["-q", "--serverinfo"] {
            let arguments = [mode, "--host=127.0.0.1", "--port=\(port)", "--user=joe", "--auth=user",
                             "--passwordeval=echo secret", "--delivery=mbox,/dev/null"]
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == 75, "\(mode): \(ours)")
            #expect(ours.status == theirs.status)
            #expect(ours.stderr == theirs.stderr)
        }
    }

    /// One resolver lookup per binary, of a name that cannot exist (RFC 2606).
    @Test func unknownHostExits68() throws {
        let home = try TemporaryDirectory()
        let arguments = ["-q", "--host=nonexistent.invalid", "--user=joe", "--auth=user",
                         "--passwordeval=echo secret", "--delivery=mbox,/dev/null"]
        let ours = try MpopBinary.ours.run(arguments, home: home.path)
        let theirs = try MpopBinary.reference.run(arguments, home: home.path)
        #expect(ours.status == 68, "\(ours)")
        #expect(ours.status == theirs.status)
        #expect(ours.stderr.hasPrefix("mpop: cannot locate host nonexistent.invalid: "), "\(ours)")
        #expect(ours.stderr == theirs.stderr)
    }

    /// STARTTLS configured for port 995, whose server waits for a TLS hello:
    /// ours gives up after a few seconds and names the likely fix; mpop
    /// 1.4.18 waits for its full timeout (180 s) and then reports a read
    /// timeout.
    @Test func starttlsOnThePop3sPortFailsSoonWithAHint() throws {
        let server = try SilentPort995()
        defer { server.stop() }
        let home = try TemporaryDirectory()
        for mode in ["-q", "--serverinfo", "-A"] {
            let arguments = [mode, "--host=\(server.host)", "--port=995", "--tls", "--tls-starttls=on",
                             "--user=joe", "--auth=user", "--passwordeval=echo secret", "--delivery=mbox,/dev/null"]
            let ours = try MpopBinary.ours.run(arguments, home: home.path, launcher: server.launcher, timeout: 30)
            #expect(!ours.timedOut, "\(mode): \(ours)")
            #expect(ours.status != 0, "\(mode): \(ours)")
            #expect(ours.stderr.contains("tls_starttls off"), "\(mode): \(ours)")
        }
    }
}
