import Foundation
import Testing
import TestSupport

/// The UIDLs file and its journal against what a hostile or unlucky
/// machine puts in their way: symbolic links, FIFOs, directories, files
/// of others, modes others can read, a nearly full disk. Each case once
/// hung a run, wrote through a planted link, left state readable by
/// others, or fetched nothing where Debian's mpop fetched everything.
@Suite struct StateFileSafetyTests {
    /// One dovecot user with a few messages; our side, keep off.
    final class Rig {
        let dovecot: DovecotServer
        let side: SideBySide.Side
        let uidlsDirectory: String
        var ledger = MailLedger()

        init(binary: MpopBinary = .ours, count: Int = 5, uidlsFile: String? = nil, extra: String = "") throws {
            dovecot = try DovecotServer()
            side = try SideBySide.Side(binary: binary, dovecot: dovecot, user: "state", messages: [])
            uidlsDirectory = side.home.url(".mpop_uidls")
            try ledger.send(count, size: 2_000, to: side.mailbox)
            let file = uidlsFile.map { "uidls_file \($0)\n" } ?? ""
            try side.configure(port: dovecot.port, ca: dovecot.ca.certificateFile, extra: "keep off\n" + file + extra)
        }

        /// The UIDLs file mpop uses by default for this account.
        var uidlsFile: String { uidlsDirectory + "/state_at_127.0.0.1" }
        var journal: String { uidlsFile + ".journal" }

        func run(timeout: Double = 30) throws -> RunResult {
            try side.binary.run(["-q", "test"], home: side.home.path, timeout: timeout)
        }

        var outcome: MailLedger.Outcome { ledger.outcome(delivered: side.maildir, server: side.mailbox) }

        func expectEverythingDeliveredOnce() {
            let outcome = outcome
            #expect(outcome.lost.isEmpty && outcome.duplicated.isEmpty && outcome.leftOnServer == 0, "\(outcome)")
            #expect(MailLedger.messageIDs(inMaildir: side.maildir).count == ledger.sentIDs.count, "\(outcome)")
        }

        func expectNothingFetched() {
            #expect(side.mailbox.messages.count == ledger.sentIDs.count, "the server lost mail")
            #expect(MailLedger.messageIDs(inMaildir: side.maildir).isEmpty)
        }
    }

    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }

    // MARK: A symbolic link as the UIDLs file

    /// A link whose target does not exist yet: created through the link,
    /// as the reference does (ours once spun at 100% CPU, deaf to SIGTERM).
    /// Like the reference, the save then renames the new file over the
    /// link.
    @Test(arguments: [MpopBinary.ours, MpopBinary.reference])
    func aDanglingSymlinkCreatesItsTarget(binary: MpopBinary) throws {
        let scratch = try TemporaryDirectory(prefix: "mpop-link")
        let target = scratch.url("real-uidls")
        let link = scratch.url("uidls-link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let rig = try Rig(binary: binary, uidlsFile: link)
        defer { rig.dovecot.stop() }
        let result = try rig.run(timeout: 20)
        #expect(!result.timedOut && result.status == 0, "\(result)")
        #expect(FileManager.default.fileExists(atPath: target))
        #expect((try? FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType) == .typeRegular)
        rig.expectEverythingDeliveredOnce()
    }

    /// A link into a directory that does not exist: the reference's message
    /// and exit status, at once.
    @Test func aSymlinkIntoAMissingDirectoryFailsAtOnce() throws {
        let scratch = try TemporaryDirectory(prefix: "mpop-link")
        let link = scratch.url("uidls-link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: scratch.url("missing/uidls"))
        var results: [RunResult] = []
        for binary in [MpopBinary.ours, .reference] {
            let rig = try Rig(binary: binary, uidlsFile: link)
            defer { rig.dovecot.stop() }
            let result = try rig.run(timeout: 20)
            #expect(!result.timedOut && result.status == 74, "\(result)")
            #expect(result.stderr.contains("\(link): No such file or directory"), "\(result)")
            rig.expectNothingFetched()
            results.append(result)
        }
        // The first line; the second names each side's own home.
        #expect(results[0].stderr.split(separator: "\n").first == results[1].stderr.split(separator: "\n").first)
    }

    /// SIGTERM while waiting for the lock of another run: the run ends at
    /// once (exit 75), instead of after mpop's 10 seconds.
    @Test func aSignalEndsTheWaitForTheLock() throws {
        let rig = try Rig()
        defer { rig.dovecot.stop() }
        try FileManager.default.createDirectory(atPath: rig.uidlsDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: rig.uidlsFile, contents: Data())
        chmod(rig.uidlsFile, 0o600)
        let holder = try LockHolder.hold(on: rig.uidlsFile, in: rig.side.home)
        defer { holder.terminate() }
        let scratch = try TemporaryDirectory(prefix: "mpop-signal")
        let run = try SignalledRun(home: rig.side.home.path, arguments: ["-q", "test"], scratch: scratch, index: 1)
        let started = Date()
        let (status, hit) = run.signal(SIGTERM, after: 1.0)
        let elapsed = Date().timeIntervalSince(started)
        #expect(hit, "mpop ended before the signal: \(run.stderr)")
        #expect(status == 75, "\(run.stderr)")
        #expect(run.stderr.contains("operation aborted"), "\(run.stderr)")
        #expect(elapsed < 4, "the wait went on for \(elapsed) s after the signal")
        rig.expectNothingFetched()
    }

    // MARK: What someone else put at the journal's path

    /// A link planted where the journal goes: never followed, never
    /// removed, the file it points at untouched, nothing fetched.
    @Test func aSymlinkAtTheJournalIsRefused() throws {
        let rig = try Rig()
        defer { rig.dovecot.stop() }
        try FileManager.default.createDirectory(atPath: rig.uidlsDirectory, withIntermediateDirectories: true)
        let victim = try rig.side.home.write("victim", "precious\n", mode: 0o644)
        try FileManager.default.createSymbolicLink(atPath: rig.journal, withDestinationPath: victim)
        let result = try rig.run()
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("\(rig.journal): not a regular file"), "\(result)")
        #expect(String(decoding: FileManager.default.contents(atPath: victim) ?? Data(), as: UTF8.self) == "precious\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: rig.journal)) == victim)
        rig.expectNothingFetched()
        // Once it is gone, everything arrives.
        try FileManager.default.removeItem(atPath: rig.journal)
        #expect(try rig.run().status == 0)
        rig.expectEverythingDeliveredOnce()
    }

    /// A FIFO there once blocked the run in open() until it was killed.
    @Test func aFIFOAtTheJournalIsRefusedWithoutBlocking() throws {
        let rig = try Rig()
        defer { rig.dovecot.stop() }
        try FileManager.default.createDirectory(atPath: rig.uidlsDirectory, withIntermediateDirectories: true)
        #expect(mkfifo(rig.journal, 0o600) == 0)
        let result = try rig.run(timeout: 20)
        #expect(!result.timedOut, "the run blocked on the FIFO")
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("\(rig.journal): not a regular file"), "\(result)")
        rig.expectNothingFetched()
    }

    @Test func aDirectoryAtTheJournalIsRefusedWithAClearMessage() throws {
        let rig = try Rig()
        defer { rig.dovecot.stop() }
        try FileManager.default.createDirectory(atPath: rig.journal, withIntermediateDirectories: true)
        let result = try rig.run()
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("\(rig.journal): not a regular file"), "\(result)")
        rig.expectNothingFetched()
    }

    /// A journal that another user owns (root only: it takes chown).
    @Test func aJournalOwnedByAnotherUserIsRefused() throws {
        guard geteuid() == 0 else {
            Issue.record("not run: giving a file to another user needs root")
            return
        }
        let rig = try Rig()
        defer { rig.dovecot.stop() }
        try FileManager.default.createDirectory(atPath: rig.uidlsDirectory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: rig.journal, contents: Data())
        #expect(chown(rig.journal, 65534, 65534) == 0)
        let result = try rig.run()
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("\(rig.journal): owned by another user"), "\(result)")
        rig.expectNothingFetched()
    }

    // MARK: Modes

    /// The reference rewrites the file through mkstemp on every run, so it
    /// is 0600 afterwards; ours, when nothing changed, once only touched it.
    @Test(arguments: [MpopBinary.ours, MpopBinary.reference])
    func aReadableUIDLsFileIsPrivateAfterAnUnchangedRun(binary: MpopBinary) throws {
        let rig = try Rig(binary: binary, extra: "keep on")
        defer { rig.dovecot.stop() }
        #expect(try rig.run().status == 0)
        #expect(chmod(rig.uidlsFile, 0o644) == 0)
        #expect(try rig.run().status == 0)
        #expect(Self.mode(rig.uidlsFile) == 0o600)
    }

    /// A run that fails before its session (nothing listening; a wrong
    /// password) leaves no UIDLs file behind, as the reference leaves none.
    @Test(arguments: ["port 1\n", "passwordeval echo wrong\n"])
    func aRunThatFailsBeforeItsSessionLeavesNoUIDLsFile(extra: String) throws {
        for binary in [MpopBinary.ours, .reference] {
            let rig = try Rig(binary: binary, extra: extra)
            defer { rig.dovecot.stop() }
            let result = try rig.run()
            #expect(result.status != 0, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: rig.uidlsFile), "\(binary.path) left \(rig.uidlsFile)")
            #expect(!FileManager.default.fileExists(atPath: rig.journal))
        }
    }

    @Test func aNewUIDLsFileIsPrivate() throws {
        let rig = try Rig(extra: "keep on")
        defer { rig.dovecot.stop() }
        #expect(try rig.run().status == 0)
        #expect(Self.mode(rig.uidlsFile) == 0o600)
    }

    // MARK: A nearly full disk

    /// 4, 16 and 60 KiB free on the file system of the UIDLs file (a small
    /// tmpfs; root only): everything is fetched, as the reference fetches
    /// it, with keep off and keep on, twice in a row.
    @Test(arguments: [4, 16, 60], ["keep off", "keep on"])
    func aNearlyFullDiskUnderTheUIDLsFileStillFetches(kibibytesFree: Int, keep: String) throws {
        let scratch = try TemporaryDirectory(prefix: "mpop-full")
        let point = try scratch.makeDirectory("small", mode: 0o755)
        let mount = try ProgramRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kibibytesFree + 8)k", "tmpfs", point],
                                          environment: ["PATH": "/usr/bin:/bin"])
        try #require(mount.status == 0, "cannot mount a small tmpfs (needs root or CAP_SYS_ADMIN): \(mount)")
        defer { _ = try? ProgramRunner.run("/bin/umount", [point], environment: [:]) }
        // 8 KiB of filler; then exactly the wanted space is free.
        _ = FileManager.default.createFile(atPath: point + "/filler", contents: Data(count: 8 * 1024))
        let rig = try Rig(count: 30, uidlsFile: point + "/uidls", extra: keep)
        defer { rig.dovecot.stop() }
        let first = try rig.run()
        #expect(first.status == 0, "\(first)")
        #expect(MailLedger.messageIDs(inMaildir: rig.side.maildir).count == 30, "\(first)")
        let second = try rig.run()
        #expect(second.status == 0, "\(second)")
        let outcome = rig.outcome
        #expect(outcome.lost.isEmpty && outcome.duplicated.isEmpty, "\(outcome)")
        #expect(outcome.leftOnServer == (keep == "keep on" ? 30 : 0), "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: point + "/uidls.journal"))
    }
}
