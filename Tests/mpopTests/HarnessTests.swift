import Foundation
import Testing
import TestSupport

/// The harness's real servers answer as expected; the reference mpop is the
/// client here, so a failure points at the harness, not at our mpop.
@Suite struct HarnessTests {
    @Test func dovecotServesMailOverSTLSAndImplicitTLS() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let mailbox = try dovecot.addUser("alice", password: "secret")
        try mailbox.putMessages(sizes: [300, 2000])
        let home = try TemporaryDirectory()
        for (port, starttls) in [(dovecot.port, "on"), (dovecot.tlsPort, "off")] {
            let result = try MpopBinary.reference.run(
                ["--serverinfo", "--host=127.0.0.1", "--port=\(port)", "--tls", "--tls-starttls=\(starttls)",
                 "--tls-trust-file=\(dovecot.ca.certificateFile)", "--user=alice", "--passwordeval=echo secret"],
                home: home.path)
            #expect(result.status == 0, "\(result)\n\(dovecot.log)")
            #expect(result.stdout.contains("Dovecot"))
            #expect(result.stdout.contains("Issuer:\n        CN=mpop throwaway test CA"))
            #expect(result.stdout.contains("SCRAM-SHA-256"))
            #expect(!result.stdout.contains("after successful authentication"), "authentication failed:\n\(result)")
        }
    }

    @Test func referenceMpopFetchesFromDovecotAndMpopd() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let mailbox = try dovecot.addUser("bob", password: "pw")
        let sent = try mailbox.putMessages(sizes: [500, 700, 900])
        let mpopd = try MpopdServer()
        defer { mpopd.stop() }
        try mpopd.mailbox.putMessages(sizes: [400])

        let home = try TemporaryDirectory()
        let maildir = try home.makeMaildir("Mail")
        let fromDovecot = try MpopBinary.reference.run(
            ["-q", "--host=127.0.0.1", "--port=\(dovecot.port)", "--tls", "--tls-trust-file=\(dovecot.ca.certificateFile)",
             "--user=bob", "--passwordeval=echo pw", "--delivery=maildir,\(maildir)"], home: home.path)
        #expect(fromDovecot.status == 0, "\(fromDovecot)")
        #expect(mailbox.messages.isEmpty)
        let delivered = try FileManager.default.contentsOfDirectory(atPath: maildir + "/new")
        #expect(delivered.count == sent.count)

        let fromMpopd = try MpopBinary.reference.run(
            ["-q", "--host=127.0.0.1", "--port=\(mpopd.port)", "--auth=user", "--user=joe",
             "--passwordeval=echo secret", "--delivery=maildir,\(maildir)"], home: home.path)
        // mpop refuses USER without TLS when choosing automatically; forced, it works.
        #expect(fromMpopd.status == 0, "\(fromMpopd)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: maildir + "/new").count == sent.count + 1)
    }

    @Test func usersAddedAfterALoginCanLogIn() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let home = try TemporaryDirectory()
        func login(_ user: String) throws -> RunResult {
            try MpopBinary.reference.run(
                ["-A", "--host=127.0.0.1", "--port=\(dovecot.port)", "--auth=user", "--user=\(user)",
                 "--passwordeval=echo pw-\(user)", "--delivery=mbox,/dev/null"], home: home.path)
        }
        _ = try dovecot.addUser("first", password: "pw-first")
        #expect(try login("first").status == 0)
        _ = try dovecot.addUser("second", password: "pw-second")
        let second = try login("second")
        #expect(second.status == 0, "\(second)\n\(dovecot.log)")
    }
}
