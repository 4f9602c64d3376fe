import Foundation
import Testing
import TestSupport

/// CRAM-MD5 with a password longer than HMAC-MD5's 64-byte block, which
/// RFC 2104 hashes before use as the key. mpop 1.4.19 fixed this in its
/// built-in CRAM-MD5 (used without GNU SASL); ours, like Debian's 1.4.18
/// and a 1.4.23 built with GNU SASL, leaves CRAM-MD5 to GNU SASL.
@Suite struct LongCRAMMD5PasswordTests {
    static func password(length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<length).map { alphabet[($0 * 7) % alphabet.count] })
    }

    @Test func longPasswordsLogIn() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let home = try TemporaryDirectory()
        for length in [64, 65, 100] {
            let user = "cram\(length)"
            let password = Self.password(length: length)
            _ = try dovecot.addUser(user, password: password)
            // The same length, one byte different past the 64th: refused
            // (checked for ours alone, since dovecot delays each refusal).
            let wrong = String(password.dropLast()) + (password.last == "x" ? "y" : "x")
            for binary in [MpopBinary.ours, try .upstream(), .reference] {
                let attempts = [(password, Int32(0))] + (binary.path == MpopBinary.ours.path ? [(wrong, Int32(77))] : [])
                for (attempt, expected) in attempts {
                    let result = try binary.run([
                        "-A", "--host=127.0.0.1", "--port=\(dovecot.port)", "--tls",
                        "--tls-trust-file=\(dovecot.ca.certificateFile)", "--auth=cram-md5",
                        "--user=\(user)", "--passwordeval=echo \(attempt)", "--delivery=mbox,/dev/null",
                    ], home: home.path)
                    #expect(result.status == expected, "\(binary.path) length \(length): \(result)\n\(dovecot.log)")
                    if expected == 0 {
                        #expect(result.stderr == "", "\(binary.path) length \(length): \(result)")
                    } else {
                        #expect(result.stderr.hasPrefix("mpop: authentication failed (method CRAM-MD5)\n"),
                                "\(binary.path) length \(length): \(result)")
                    }
                }
            }
        }
    }
}
