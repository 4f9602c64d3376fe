import Foundation
import Testing
import TestSupport

/// The automatic choice against real servers (Docs/Compatibility.md,
/// "SCRAM first"): SCRAM where the server can complete it, SCRAM-*-PLUS
/// with channel binding where it is offered, and a login wherever the
/// Debian mpop 1.4.18's automatic choice logs in.
@Suite(.serialized) struct SCRAMEndToEndTests {
    /// The AUTH commands of a `-d` run, in order.
    static func authCommands(_ stdout: String) -> [String] {
        stdout.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("--> AUTH ") }.map(String.init)
    }

    static func arguments(port: Int, implicitTLS: Bool, trust: String, user: String, password: String,
                          extra: [String] = []) -> [String] {
        ["-A", "-d", "--host=127.0.0.1", "--port=\(port)", "--tls", "--tls-starttls=\(implicitTLS ? "off" : "on")",
         "--tls-trust-file=\(trust)", "--user=\(user)", "--passwordeval=echo \(password)",
         "--delivery=mbox,/dev/null"] + extra
    }

    /// dovecot 2.3 announces SCRAM-SHA-1 and SCRAM-SHA-256 (no -PLUS): ours
    /// logs in with SCRAM-SHA-256 over STLS and POP3S, from a clear-text or
    /// a SCRAM-SHA-256 stored password, where the reference uses PLAIN.
    @Test func dovecotLogsInWithSCRAM() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("plainstored", password: "pw one")
        _ = try dovecot.addUser("scramstored", password: "pw two", scheme: "SCRAM-SHA-256")
        let home = try TemporaryDirectory()
        for implicitTLS in [false, true] {
            for (user, password) in [("plainstored", "pw one"), ("scramstored", "pw two")] {
                let arguments = Self.arguments(port: implicitTLS ? dovecot.tlsPort : dovecot.port,
                                               implicitTLS: implicitTLS, trust: dovecot.ca.certificateFile,
                                               user: user, password: password)
                let ours = try MpopBinary.ours.run(arguments, home: home.path)
                let theirs = try MpopBinary.reference.run(arguments, home: home.path)
                #expect(ours.status == 0, "\(user) implicitTLS=\(implicitTLS): \(ours)\n\(dovecot.log)")
                #expect(theirs.status == 0, "\(theirs)")
                // Ours sends the client's first message with AUTH (RFC 5034).
                #expect(Self.authCommands(ours.stdout) == ["--> AUTH SCRAM-SHA-256 ********"], "\(ours)")
                #expect(Self.authCommands(theirs.stdout) == ["--> AUTH PLAIN"])
            }
        }
    }

    /// A passdb that keeps only crypt hashes cannot do SCRAM, though dovecot
    /// announces it: SCRAM is refused and PLAIN, the reference's choice,
    /// logs in on the same connection. A wrong password fails as the
    /// reference's does (77, method PLAIN).
    @Test func dovecotWithCryptHashesFallsBackToPlain() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("hashed", password: "pw three", scheme: "SHA512-CRYPT")
        let home = try TemporaryDirectory()
        for (password, expected) in [("pw three", Int32(0)), ("wrong", Int32(77))] {
            let arguments = Self.arguments(port: dovecot.port, implicitTLS: false, trust: dovecot.ca.certificateFile,
                                           user: "hashed", password: password)
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == expected, "\(ours)\n\(dovecot.log)")
            #expect(theirs.status == expected, "\(theirs)")
            #expect(Self.authCommands(ours.stdout) == ["--> AUTH SCRAM-SHA-256 ********", "--> AUTH PLAIN ********"])
            if expected != 0 {
                #expect(ours.stderr.hasPrefix("mpop: authentication failed (method PLAIN)\n"), "\(ours)")
                #expect(theirs.stderr.hasPrefix("mpop: authentication failed (method PLAIN)\n"), "\(theirs)")
            }
        }
    }

    /// cyrus announces SCRAM-SHA-256-PLUS after STLS and on POP3S. On
    /// TLS 1.2 the automatic choice takes it, with tls-unique, and logs in.
    @Test func cyrusLogsInWithSCRAMPlusOnTLS12() throws {
        let cyrus = try CyrusServer()
        defer { cyrus.stop() }
        try cyrus.addUser("alice", password: "pw four")
        let home = try TemporaryDirectory()
        for implicitTLS in [false, true] {
            let arguments = Self.arguments(port: implicitTLS ? cyrus.tlsPort : cyrus.port, implicitTLS: implicitTLS,
                                           trust: cyrus.ca.certificateFile, user: "alice", password: "pw four",
                                           extra: ["--tls-priorities=NORMAL:-VERS-TLS1.3"])
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            #expect(ours.status == 0, "implicitTLS=\(implicitTLS): \(ours)")
            #expect(ours.stdout.contains("(TLS1.2)"))
            #expect(Self.authCommands(ours.stdout) == ["--> AUTH SCRAM-SHA-256-PLUS ********"], "\(ours)")
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(theirs.status == 0, "\(theirs)")
        }
    }

    /// On TLS 1.3 the client binds with tls-exporter, which Cyrus SASL 2.1.28
    /// does not know: -PLUS is refused (1.4.23 exits 77 here), plain
    /// SCRAM-SHA-256 logs in. A wrong password ends with PLAIN's failure.
    @Test func cyrusOnTLS13FallsBackFromPlus() throws {
        let cyrus = try CyrusServer()
        defer { cyrus.stop() }
        try cyrus.addUser("bob", password: "pw five")
        let home = try TemporaryDirectory()
        for (password, expected) in [("pw five", Int32(0)), ("wrong", Int32(77))] {
            let arguments = Self.arguments(port: cyrus.port, implicitTLS: false, trust: cyrus.ca.certificateFile,
                                           user: "bob", password: password)
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == expected, "\(ours)")
            #expect(theirs.status == expected, "\(theirs)")
            #expect(ours.stdout.contains("(TLS1.3)"))
            let auths = Self.authCommands(ours.stdout)
            #expect(auths == (expected == 0
                ? ["--> AUTH SCRAM-SHA-256-PLUS ********", "--> AUTH SCRAM-SHA-256 ********"]
                : ["--> AUTH SCRAM-SHA-256-PLUS ********", "--> AUTH SCRAM-SHA-256 ********",
                   "--> AUTH PLAIN ********"]), "\(ours)")
        }
    }
}
