import Foundation
import Testing
import TestSupport

/// `--serverinfo` against real servers (the harness's dovecot, mpopd, GNU
/// mailutils pop3d), ours beside the reference.
@Suite struct ServerInfoEndToEndTests {
    @Test(arguments: [false, true])
    func matchesTheReferenceOverTLS(implicitTLS: Bool) throws {
        let pair = try SideBySide(messages: [])
        defer { pair.stop() }
        try pair.configureBoth(implicitTLS: implicitTLS)
        let ours = try pair.ours.run(["--serverinfo", "test"])
        let theirs = try pair.theirs.run(["--serverinfo", "test"])
        #expect(ours.status == 0, "\(ours)")
        #expect(ours.stderr == "")
        #expect(ours.stdout.contains("Issuer:\n        CN=mpop throwaway test CA"))
        #expect(SideBySide.normalized(ours.stdout) == SideBySide.normalized(theirs.stdout))
    }

    @Test func refusesAnUntrustedServerAsTheReferenceDoes() throws {
        let pair = try SideBySide(messages: [])
        defer { pair.stop() }
        let strangerCA = try ThrowawayCA()
        for side in [pair.ours, pair.theirs] {
            try side.configure(port: pair.dovecot.port, ca: strangerCA.certificateFile)
        }
        let ours = try pair.ours.run(["--serverinfo", "test"])
        let theirs = try pair.theirs.run(["--serverinfo", "test"])
        #expect(ours.status == 69)
        #expect(ours.status == theirs.status)
        #expect(withoutHints(ours.stderr) == theirs.stderr)
        #expect(ours.stderr.contains("mpop: hint: the certificate's issuer is not in \(strangerCA.certificateFile): set tls_trust_file"))
        #expect(ours.stdout == theirs.stdout)
    }

    /// GNU mailutils pop3d as configured (nothing, `expire 0`, `expire 30`)
    /// and what it then announces, without RFC 2449's blank. Its APOP
    /// timestamp differs per connection.
    @Test(arguments: [
        ("", "EXPIRENEVER"),
        ("expire 0;", "EXPIRE0"),
        ("expire 30;", "EXPIRE30"),
    ])
    func gnuMailutilsPop3d(configuration: String, announced: String) throws {
        let home = try TemporaryDirectory()
        let server = try MailutilsPop3dServer(configuration: configuration)
        defer { server.stop() }
        let arguments = ["--serverinfo", "--host=127.0.0.1", "--port=\(server.port)", "--user=\(server.user)",
                         "--passwordeval=echo \(server.password)", "--auth=user"]
        let ours = try MpopBinary.ours.run(arguments, home: home.path)
        let theirs = try MpopBinary.reference.run(arguments, home: home.path)
        // The dialogue (mpop prints the server's lines with their CR) shows
        // what the server announced, and that the login worked.
        let dialogue = try MpopBinary.reference.run(arguments + ["--debug"], home: home.path).stdout
        #expect(dialogue.contains("<-- \(announced)\r\n"), "\(dialogue)")
        #expect(dialogue.contains("<-- IMPLEMENTATION GNU Mailutils"), "\(dialogue)")
        func normalized(_ text: String) -> String {
            text.replacingOccurrences(of: #"<[0-9]+\.[0-9]+@[^<>]*>"#, with: "<TIMESTAMP>", options: .regularExpression)
        }
        #expect(ours.status == 0, "\(ours)")
        #expect(ours.status == theirs.status)
        #expect(ours.stderr == theirs.stderr)
        #expect(!theirs.stdout.contains("after successful authentication"), "\(theirs)")
        #expect(normalized(ours.stdout) == normalized(theirs.stdout))
    }

    @Test func mpopdWithoutTLS() throws {
        let mpopd = try MpopdServer()
        defer { mpopd.stop() }
        let home = try TemporaryDirectory()
        let arguments = ["--serverinfo", "--host=127.0.0.1", "--port=\(mpopd.port)", "--user=joe",
                         "--passwordeval=echo secret", "--auth=user"]
        let ours = try MpopBinary.ours.run(arguments, home: home.path)
        let theirs = try MpopBinary.reference.run(arguments, home: home.path)
        #expect(ours.status == 0, "\(ours)")
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.stderr == theirs.stderr)
    }
}
