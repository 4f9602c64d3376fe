import Foundation
import Testing
import TestSupport

/// `--serverinfo` on the arguments of LOGIN-DELAY, EXPIRE and
/// IMPLEMENTATION in every form servers send or might send: ours prints
/// what mpop 1.4.18 prints, byte for byte, with the same exit status.
@Suite struct CapabilityArgumentTests {
    /// Each case is a CAPA reply's lines, separated by LF.
    static let forms = [
        // GNU mailutils pop3d, and RFC 2449's own spelling.
        "EXPIRENEVER", "EXPIRE NEVER", "EXPIRE30", "EXPIRE 30", "EXPIRE 0", "EXPIRE 1",
        // Blanks: doubled, tabs, other C white space, trailing.
        "EXPIRE  NEVER", "EXPIRE\tNEVER", "EXPIRE\t30", "EXPIRE \u{0B}5", "EXPIRE 30   ", "EXPIRE NEVER ",
        "LOGIN-DELAY\t900", "LOGIN-DELAY 900 ",
        // Signs, junk and numbers beyond 64 bits.
        "EXPIRE -5", "EXPIRE +5", "EXPIRE - 5", "EXPIRE 05", "EXPIRE 0x10", "EXPIRE 12abc", "EXPIRE X",
        "EXPIRE 99999999999999999999", "EXPIRE 9223372036854775807", "EXPIRE 9223372036854775806",
        "EXPIRE -99999999999999999999",
        "LOGIN-DELAY -5", "LOGIN-DELAY900", "LOGIN-DELAY 900", "LOGIN-DELAY 0", "LOGIN-DELAY 60",
        "LOGIN-DELAY 61", "LOGIN-DELAY 3600", "LOGIN-DELAY 3601", "LOGIN-DELAY 99999999999999999999",
        "LOGIN-DELAY -99999999999999999999", "LOGIN-DELAY 1e3",
        // RFC 2449's USER suffix before the login, and NEVER anywhere.
        "EXPIRE 30 USER", "EXPIRE NEVER USER", "LOGIN-DELAY 900 USER", "EXPIRE 30 NEVER", "EXPIRE NEVERMORE",
        "EXPIRE N EVER", "EXPIRE é NEVER",
        // Case.
        "expire never", "Expire Never", "EXPIRE never", "expire 30", "login-delay 900", "EXPIREnever",
        // No argument, or a longer keyword.
        "EXPIRE", "LOGIN-DELAY", "EXPIRES 5",
        // IMPLEMENTATION's text.
        "IMPLEMENTATION  Foo 1.0", "IMPLEMENTATIONFoo", "implementation foo bar", "IMPLEMENTATION\tFoo",
        "IMPLEMENTATION",
        // A later line replaces the value.
        "EXPIRE NEVER\nEXPIRE 5", "EXPIRE 5\nEXPIRE NEVER", "LOGIN-DELAY 5\nLOGIN-DELAY -1",
        "IMPLEMENTATION a\nIMPLEMENTATION b", "EXPIRE 5\nexpire -3",
    ]

    @Test(arguments: forms)
    func serverInfoMatchesTheReference(form: String) throws {
        let lines = form.split(separator: "\n").map { Array($0.utf8) }
        let server = try ResponderServer { CapabilityListResponder(lines) }
        defer { server.stop() }
        let home = try TemporaryDirectory()
        let arguments = ["--serverinfo", "--host=127.0.0.1", "--port=\(server.port)", "--user=joe",
                         "--passwordeval=echo secret", "--auth=user"]
        let ours = try MpopBinary.ours.run(arguments, home: home.path)
        let theirs = try MpopBinary.reference.run(arguments, home: home.path)
        #expect(ours.status == theirs.status, "ours: \(ours)\ntheirs: \(theirs)")
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.stderr == theirs.stderr)
        #expect(theirs.status == 0 && theirs.stdout.contains("POP3 capabilities:"), "\(theirs)")
    }
}
