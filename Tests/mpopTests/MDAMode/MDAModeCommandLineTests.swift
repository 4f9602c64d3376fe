import Foundation
import Testing
import TestSupport

/// What `--mda` does with the rest of the command line, and its errors,
/// beside mpop 1.4.23: the same messages and exit statuses (sysexits), the
/// same mode when `--mda` meets `--help`, `--version`, `--configure` or
/// `-S`, and other options accepted and ignored.
@Suite struct MDAModeCommandLineTests {
    static let mail = "Subject: t\n\nbody\n"

    /// Runs `body` with the path of a file that holds ``mail``.
    static func withMail<T>(_ body: (String) throws -> T) throws -> T {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-in")
        return try withExtendedLifetime(inputs) { try body(try inputs.write("mail", mail)) }
    }

    /// Fixtures: arguments, exit status, stderr.
    static let usageErrors: [(arguments: [String], status: Int32, stderr: String)] = [
        (["--mda"], 64, "mpop: --mda requires --delivery\n"),
        (["--mda", "a", "b"], 64, "mpop: --mda requires --delivery\n"),
        (["--mda", "--delivery=mbox,mb", "a", "b"], 64, "mpop: --mda requires zero or one argument\n"),
        (["--mda", "--delivery=bogus,x"], 64, "mpop: invalid argument bogus,x for --delivery\n"),
        (["--mda", "--delivery=mda"], 64, "mpop: invalid argument mda for --delivery\n"),
        (["--mda", "--delivery=mbox,mb", "--port=0"], 64, "mpop: invalid argument 0 for --port\n"),
        (["--mda=x", "--delivery=mbox,mb"], 64, "mpop: option '--mda' doesn't allow an argument\n"),
    ]

    @Test(arguments: 0..<usageErrors.count)
    func usageError(_ index: Int) throws {
        let (arguments, status, stderr) = Self.usageErrors[index]
        let run = try Self.withMail { try MDARun.expectSame(arguments, stdin: $0) }
        #expect(run.status == status, "\(run)")
        #expect(run.stderr == stderr, "\(run)")
        #expect(run.mbox == nil && run.maildir.isEmpty, "\(run)")
    }

    /// Fixtures: arguments, what to break first, exit status, stderr.
    static let deliveryErrors: [(arguments: [String], prepare: String, status: Int32, stderr: String)] = [
        (["--delivery=maildir,nowhere"], "", 78,
         "mpop: cannot initialize delivery: cannot change to nowhere: No such file or directory\n"),
        (["--delivery=exchange,nowhere"], "", 78,
         "mpop: cannot initialize delivery: cannot change to nowhere: No such file or directory\n"),
        (["--delivery=maildir,"], "", 78,
         "mpop: cannot initialize delivery: cannot change to : No such file or directory\n"),
        (["--delivery=mbox,nowhere/mb"], "", 78,
         "mpop: cannot initialize delivery: cannot open nowhere/mb: No such file or directory\n"),
        (["--delivery=mbox,ex"], "", 78,
         "mpop: cannot initialize delivery: cannot open ex: Is a directory\n"),
        (["--delivery=maildir,ex"], "", 74,
         "mpop: cannot start delivery: cannot create ex/tmp/NAME: No such file or directory\n"),
        (["--delivery=mda,cat >/dev/null; exit 75"], "", 74,
         "mpop: cannot finish delivery: cat >/dev/null; exit 75 returned exit status 75 (EX_TEMPFAIL: temporary failure)\n"),
        (["--delivery=mda,cat >/dev/null; exit 3"], "", 74,
         "mpop: cannot finish delivery: cat >/dev/null; exit 3 returned exit status 3\n"),
        (["--delivery=mda,cat >/dev/null; kill -9 $$"], "", 74,
         "mpop: cannot finish delivery: cat >/dev/null; kill -9 $$ failed to execute\n"),
        (["--delivery=maildir,md"], "no new", 74,
         "mpop: cannot finish delivery: md: cannot link tmp/NAME to new/NAME: No such file or directory\n"),
    ]

    @Test(arguments: 0..<deliveryErrors.count)
    func deliveryError(_ index: Int) throws {
        let (arguments, breakage, status, stderr) = Self.deliveryErrors[index]
        let upstream = try MpopBinary.upstream()
        let prepare = { (directory: TemporaryDirectory) in
            if breakage == "no new" { try FileManager.default.removeItem(atPath: directory.url("md/new")) }
        }
        let (ours, theirs) = try Self.withMail { stdin in
            (try MDARun.run(.ours, ["--mda"] + arguments, stdin: stdin, prepare: prepare),
             try MDARun.run(upstream, ["--mda"] + arguments, stdin: stdin, prepare: prepare))
        }
        for run in [ours, theirs] {
            #expect(run.status == status, "\(arguments)\n\(run)")
            #expect(run.stderr == stderr, "\(arguments)\n\(run)")
            #expect(run.stdout == "" && run.maildir.isEmpty && run.mbox == nil, "\(arguments)\n\(run)")
        }
        // mpop 1.4.23 leaves its file in tmp/ when it cannot link it; ours removes it.
        #expect(ours.maildirTmp.isEmpty, "\(ours)")
    }

    /// A delivery agent that stops reading has not delivered the mail.
    @Test func agentThatDoesNotRead() throws {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-in")
        // Larger than a pipe, so that the write fails whatever the timing.
        let stdin = try inputs.write("mail", String(repeating: "line of the mail\n", count: 100_000))
        let run = try MDARun.expectSame(["--mda", "--delivery=mda,exit 0"], stdin: stdin)
        #expect(run.status == 74)
        #expect(run.stderr == "mpop: cannot write mail: output error\n")
    }

    /// Standard input that cannot be read: `cannot read mail: input error`.
    /// mpop 1.4.23 leaves an empty file in the maildir's `tmp/` or the
    /// pickup directory, and the `From ` line in the mbox; ours leaves
    /// nothing.
    @Test func unreadableInput() throws {
        let run = try MDARun.expectSame(["--mda", "--delivery=mda,cat >/dev/null"], stdin: "/")
        #expect(run.status == 74, "\(run)")
        #expect(run.stderr == "mpop: cannot read mail: input error\n", "\(run)")
        let before = Data("From old Thu Jan  1 00:00:00 1970\nold\n\n".utf8)
        for delivery in ["--delivery=maildir,md", "--delivery=exchange,ex", "--delivery=mbox,mb"] {
            let ours = try MDARun.run(.ours, ["--mda", delivery], stdin: "/", mbox: before)
            let theirs = try MDARun.run(try .upstream(), ["--mda", delivery], stdin: "/", mbox: before)
            for run in [ours, theirs] {
                #expect(run.status == 74 && run.stderr == "mpop: cannot read mail: input error\n", "\(run)")
                #expect(run.stdout == "" && run.maildir.isEmpty, "\(run)")
            }
            #expect(ours.maildirTmp.isEmpty && ours.exchange.isEmpty, "\(ours)")
            #expect(ours.mbox == MDARun.normalised(mbox: before), "\(ours)")
            #expect(theirs.maildirTmp.count + theirs.exchange.count == 1 || theirs.mbox != MDARun.normalised(mbox: before),
                    "1.4.23 left nothing: \(theirs)")
        }
    }

    /// `--mda` after `--help` or `--version` still delivers, after their
    /// text; before them it is cleared. `--configure` and `--mda` clear each
    /// other; `-S` does not clear `--mda`. Every other option is ignored:
    /// no configuration file is read, no Received header is written.
    static let modes: [(arguments: [String], delivers: Bool)] = [
        (["--help", "--mda"], true),
        (["--mda", "--help"], false),
        (["--version", "--mda"], true),
        (["--mda", "--version"], false),
        (["-S", "--mda"], true),
        (["--mda", "-S"], true),
        (["--configure=user@invalid", "--mda"], true),
        (["--mda", "-P", "-d", "-C", "/nonexistent", "--host=pop.invalid", "-a", "-A", "-s", "-q", "--keep",
          "--received-header=on", "--filter=false", "--uidls-file=/nonexistent/u"], true),
        (["--m"], true),
    ]

    @Test(arguments: 0..<modes.count)
    func modeInterplay(_ index: Int) throws {
        let (arguments, delivers) = Self.modes[index]
        let upstream = try MpopBinary.upstream()
        let (ours, theirs) = try Self.withMail { stdin in
            (try MDARun.run(.ours, arguments + ["--delivery=mbox,mb"], stdin: stdin),
             try MDARun.run(upstream, arguments + ["--delivery=mbox,mb"], stdin: stdin))
        }
        for run in [ours, theirs] {
            #expect(run.status == 0, "\(arguments)\n\(run)")
            #expect((run.mbox != nil) == delivers, "\(arguments)\n\(run)")
            #expect(run.stderr == "", "\(arguments)\n\(run)")
        }
        #expect(ours.mbox == theirs.mbox, "\(arguments)\nours: \(ours)\n1.4.23: \(theirs)")
        if delivers {
            #expect(ours.mbox == Data("From MAILER-DAEMON DATE\nSubject: t\n\nbody\n\n".utf8), "\(ours)")
        }
        // The texts of --help and --version are ours (see VersionAndHelpTests); they come first.
        #expect(ours.stdout.isEmpty == theirs.stdout.isEmpty, "\(arguments)\nours: \(ours)\n1.4.23: \(theirs)")
    }

    /// `--mda` adds no line to `--help`: 1.4.23's help text does not
    /// mention it, and ours stays 1.4.18's.
    @Test func helpDoesNotMentionMDA() throws {
        let home = try TemporaryDirectory(prefix: "mpop-mda-help")
        for binary in [MpopBinary.ours, try .upstream()] {
            let help = try binary.run(["--help"], home: home.path)
            #expect(help.status == 0)
            #expect(!help.stdout.contains("--mda"), "\(binary.path)")
        }
    }
}
