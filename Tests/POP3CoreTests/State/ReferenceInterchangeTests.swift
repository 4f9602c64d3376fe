import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// The UIDLs file is shared with the Debian mpop 1.4.18: it must read
/// what we write, we must read what it writes, it must ignore our journal,
/// and it must respect our lock.
@Suite struct ReferenceInterchangeTests {
    /// Runs the reference mpop against `server` in `--host` mode with the given UIDLs file.
    static func runReference(_ extra: [String], server: MpopdServer, uidls: String,
                             home: TemporaryDirectory) throws -> RunResult {
        let maildir = try home.makeMaildir("Mail")
        return try MpopBinary.reference.run(
            ["--host=127.0.0.1", "--port=\(server.port)", "--auth=user", "--user=\(server.user)",
             "--passwordeval=echo \(server.password)", "--uidls-file=\(uidls)",
             "--delivery=maildir,\(maildir)"] + extra,
            home: home.path)
    }

    @Test func weReadTheFileTheReferenceWrites() throws {
        let server = try MpopdServer()
        defer { server.stop() }
        try server.mailbox.putMessages(sizes: [300, 400, 500])
        let serverUIDs = try ServerUIDs.fetch(port: server.port, user: server.user, password: server.password)
        #expect(serverUIDs.count == 3)

        let home = try TemporaryDirectory()
        let uidls = home.url("uidls")
        let result = try Self.runReference(["-q", "--keep"], server: server, uidls: uidls, home: home)
        #expect(result.status == 0, "\(result)")

        let store = try UIDLsFile.open(path: uidls)
        #expect(store.uids(host: "127.0.0.1", user: server.user) == Set(serverUIDs))
        #expect(store.currentLists().count == 1)
        store.close()
    }

    @Test func theReferenceReadsTheFileWeWrite() throws {
        let server = try MpopdServer()
        defer { server.stop() }
        try server.mailbox.putMessages(sizes: [300, 400, 500])
        let serverUIDs = try ServerUIDs.fetch(port: server.port, user: server.user, password: server.password)
        let home = try TemporaryDirectory()
        let uidls = home.url("uidls")

        let store = try UIDLsFile.open(path: uidls)
        store.replace(host: "127.0.0.1", user: server.user, with: serverUIDs)
        store.replace(host: "elsewhere.example", user: "someone", with: ["a b", "#c"])
        try store.save()
        let allOld = try Self.runReference(["-s"], server: server, uidls: uidls, home: home)
        #expect(allOld.status == 0, "\(allOld)")
        #expect(allOld.stdout.contains("new: no messages, total: 3 messages"), "\(allOld)")

        let partly = try UIDLsFile.open(path: uidls)
        partly.replace(host: "127.0.0.1", user: server.user, with: [serverUIDs[1]])
        try partly.save()
        let twoNew = try Self.runReference(["-s"], server: server, uidls: uidls, home: home)
        #expect(twoNew.stdout.contains("new: 2 messages in "), "\(twoNew)")
    }

    /// UIDs in the journal only (a run that crashed before saving) are
    /// invisible to the reference, which neither reads nor removes the journal;
    /// the next open of ours still counts them.
    @Test func theReferenceIgnoresTheJournal() throws {
        let server = try MpopdServer()
        defer { server.stop() }
        try server.mailbox.putMessages(sizes: [300, 400])
        let serverUIDs = try ServerUIDs.fetch(port: server.port, user: server.user, password: server.password)
        let home = try TemporaryDirectory()
        let uidls = home.url("uidls")

        let store = try UIDLsFile.open(path: uidls)
        try store.recordDelivered([serverUIDs[0]], host: "127.0.0.1", user: server.user)
        store.close()
        let result = try Self.runReference(["-s"], server: server, uidls: uidls, home: home)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("new: 2 messages"), "\(result)")
        #expect(FileManager.default.fileExists(atPath: uidls + ".journal"))

        let next = try UIDLsFile.open(path: uidls)
        #expect(next.uids(host: "127.0.0.1", user: server.user) == [serverUIDs[0]])
        next.close()
    }

    @Test func theReferenceWaitsForOurLock() throws {
        let server = try MpopdServer()
        defer { server.stop() }
        try server.mailbox.putMessages(sizes: [300])
        let home = try TemporaryDirectory()
        let uidls = home.url("uidls")
        let store = try UIDLsFile.open(path: uidls)
        store.replace(host: "127.0.0.1", user: server.user, with: ["x"])
        try store.save()
        let held = try UIDLsFile.open(path: uidls)
        defer { held.close() }
        let result = try Self.runReference(["-s"], server: server, uidls: uidls, home: home)
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.hasPrefix(
            "mpop: cannot lock \(uidls) (tried for 10 seconds): Resource temporarily unavailable\n"), "\(result)")
    }

    /// Malformed files: the reference's first error line is ours, and both exit 65.
    @Test func formatErrorsMatchTheReference() throws {
        let server = try MpopdServer()
        defer { server.stop() }
        try server.mailbox.putMessages(sizes: [300])
        let home = try TemporaryDirectory()
        let fixtures = [
            "uid\n", " 0 h u\n", " 2x h u\n", " 1  h u\n", " 1 h u v\n", " 1 h \n", " 2 h u\na\n",
            " 2 h u\na\n 1 h v\nb\n", " 1 h u\nx\n# late comment\n",
            " 1 h u\n" + String(repeating: "u", count: 4095) + "\n",
        ]
        for (index, fixture) in fixtures.enumerated() {
            let path = try home.write("bad\(index)", fixture)
            let reference = try Self.runReference(["-s"], server: server, uidls: path, home: home)
            var ours = ""
            do {
                _ = try UIDLsFile.open(path: path)
            } catch let error as UIDLsError {
                ours = "mpop: \(error.explanation)\n"
                #expect(error.exitStatus.rawValue == reference.status, "\(fixture)")
            }
            #expect(reference.stderr.hasPrefix(ours) && !ours.isEmpty, "\(fixture): ours \(ours) vs \(reference)")
        }
    }
}
