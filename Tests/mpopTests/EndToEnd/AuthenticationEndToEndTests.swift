import Foundation
import Testing
import TestSupport

/// Every authentication method dovecot offers, through the binary, over
/// STLS and over implicit TLS: the right password logs in (`-A` exits 0),
/// a wrong one exits 77, as with the reference mpop.
@Suite struct AuthenticationEndToEndTests {
    static let methods = ["user", "plain", "login", "cram-md5", "digest-md5", "scram-sha-1", "scram-sha-256"]

    @Test func everyMethodOverSTLSAndImplicitTLS() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("carol", password: "right horse battery")
        let home = try TemporaryDirectory()
        for implicitTLS in [false, true] {
            for method in Self.methods {
                for (password, expected) in [("right horse battery", Int32(0)), ("wrong", Int32(77))] {
                    let arguments = [
                        "-A", "--host=127.0.0.1", "--port=\(implicitTLS ? dovecot.tlsPort : dovecot.port)",
                        "--tls", "--tls-starttls=\(implicitTLS ? "off" : "on")",
                        "--tls-trust-file=\(dovecot.ca.certificateFile)", "--auth=\(method)",
                        "--user=carol", "--passwordeval=echo \(password)", "--delivery=mbox,/dev/null",
                    ]
                    let ours = try MpopBinary.ours.run(arguments, home: home.path)
                    #expect(ours.status == expected, "\(method) implicitTLS=\(implicitTLS): \(ours)\n\(dovecot.log)")
                    if expected == 0 {
                        #expect(ours.stdout == "" && ours.stderr == "", "\(method): \(ours)")
                    } else {
                        let method = method.uppercased()
                        #expect(ours.stderr.hasPrefix("mpop: authentication failed (method \(method))\n"), "\(ours)")
                    }
                }
            }
        }
    }

    @Test func automaticChoiceAgainstTheReference() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("dave", password: "pw")
        let home = try TemporaryDirectory()
        for tls in [true, false] {
            var arguments = ["-A", "-d", "--host=127.0.0.1", "--port=\(dovecot.port)", "--user=dave",
                             "--passwordeval=echo pw", "--delivery=mbox,/dev/null"]
            arguments += tls ? ["--tls", "--tls-trust-file=\(dovecot.ca.certificateFile)"] : ["--tls=off"]
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == 0, "\(ours)")
            #expect(ours.status == theirs.status)
            // Without TLS the same AUTH command, SCRAM-SHA-256. With TLS ours
            // prefers SCRAM as 1.4.19 does, where 1.4.18 takes PLAIN
            // (Docs/Compatibility.md; SCRAMEndToEndTests).
            // Lines end in CRLF, which Swift treats as one character.
            let auth = { (text: String) in text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("--> AUTH ") } }
            #expect(auth(theirs.stdout) == (tls ? "--> AUTH PLAIN" : "--> AUTH SCRAM-SHA-256"))
            // Ours sends the client's first message with AUTH (RFC 5034).
            #expect(auth(ours.stdout) == "--> AUTH SCRAM-SHA-256 ********")
        }
    }

    /// dovecot's APOP timestamp holds `=` and `+`, which mpop's check refuses.
    @Test func apopAgainstDovecotIsRefusedLikeTheReference() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("erin", password: "pw")
        let home = try TemporaryDirectory()
        let arguments = ["-A", "--host=127.0.0.1", "--port=\(dovecot.port)", "--tls",
                         "--tls-trust-file=\(dovecot.ca.certificateFile)", "--auth=apop", "--user=erin",
                         "--passwordeval=echo pw", "--delivery=mbox,/dev/null"]
        let ours = try MpopBinary.ours.run(arguments, home: home.path)
        let theirs = try MpopBinary.reference.run(arguments, home: home.path)
        #expect(ours.status == 69)
        #expect(ours.status == theirs.status)
        #expect(ours.stderr == theirs.stderr)
    }

    @Test func debugOutputNeverShowsThePassword() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        _ = try dovecot.addUser("fred", password: "sup3r-secret")
        let home = try TemporaryDirectory()
        // Not in the command itself: -d prints the configuration, passwordeval included.
        let passwordFile = try home.write("password", "sup3r-secret\n")
        for method in ["user", "plain", "login"] {
            let ours = try MpopBinary.ours.run(
                ["-A", "-d", "--host=127.0.0.1", "--port=\(dovecot.port)", "--tls",
                 "--tls-trust-file=\(dovecot.ca.certificateFile)", "--auth=\(method)", "--user=fred",
                 "--passwordeval=cat \(passwordFile)", "--delivery=mbox,/dev/null"], home: home.path)
            #expect(ours.status == 0, "\(ours)")
            #expect(!ours.stdout.contains("sup3r-secret"))
            // base64 of "\0fred\0sup3r-secret" and of the password alone
            #expect(!ours.stdout.contains("AGZyZWQAc3VwM3Itc2VjcmV0"))
            #expect(!ours.stdout.contains("c3VwM3Itc2VjcmV0"))
            #expect(ours.stdout.contains("********"))
        }
    }
}
