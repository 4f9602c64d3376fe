import Foundation
import Testing
import TestSupport

/// Certificates that must be refused, a downgrade, an injection after STLS,
/// and a server that asks for a client certificate: ours beside the
/// reference, against the harness's dovecot or a scripted server.
@Suite struct TLSTrialTests {
    struct Pair {
        let dovecot: DovecotServer
        let ours: HostileAccount
        let theirs: HostileAccount

        init(certificate: ((ThrowawayCA) throws -> ThrowawayCA.Issued)? = nil, extraConfiguration: String = "") throws {
            let ca = try ThrowawayCA()
            dovecot = try DovecotServer(ca: ca, certificate: try certificate?(ca), extraConfiguration: extraConfiguration)
            ours = try HostileAccount(.ours)
            theirs = try HostileAccount(.reference)
            for index in 0..<2 {
                let mailbox = try dovecot.addUser("user\(index)", password: "secret")
                try mailbox.put(MiniPOP3.body(uid: "tls\(index)").replacingOccurrences(of: "\r\n", with: "\n"))
            }
        }

        /// Configures both sides for STLS with `lines` (trust file, fingerprint...).
        func configure(_ lines: String) throws {
            for (index, side) in [ours, theirs].enumerated() {
                try side.home.write(".mpoprc", """
                    account test
                    host 127.0.0.1
                    port \(dovecot.port)
                    tls on
                    user user\(index)
                    password secret
                    timeout 20
                    delivery maildir \(side.maildir)
                    \(lines)

                    """)
            }
        }

        /// Runs both; stderr with the HOME path blanked.
        func run() throws -> (ours: HostileAccount.Outcome, theirs: HostileAccount.Outcome) {
            var results: [HostileAccount.Outcome] = []
            for side in [ours, theirs] {
                var outcome = try side.run()
                outcome.result.stderr = outcome.stderr.replacingOccurrences(of: side.home.path, with: "HOME")
                results.append(outcome)
            }
            print("TLS ours: \(results[0])\nTLS theirs: \(results[1])")
            return (results[0], results[1])
        }

        /// Configures both sides with `lines`, runs them, and checks that
        /// ours refuses the server with the reference's status and words
        /// (hints aside); returns our outcome.
        func expectBothRefuse(_ lines: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> HostileAccount.Outcome {
            try configure(lines)
            let (ours, theirs) = try run()
            #expect(TLSTrialTests.refused(ours, self.ours), "\(ours)", sourceLocation: sourceLocation)
            #expect(ours.status == theirs.status, sourceLocation: sourceLocation)
            #expect(withoutHints(ours.stderr) == theirs.stderr, sourceLocation: sourceLocation)
            return ours
        }

        func stop() {
            dovecot.stop()
            ours.home.remove()
            theirs.home.remove()
        }
    }

    /// Runs `binary` against `server` with STLS required and the system's
    /// trust store.
    static func runWithSTLS(_ binary: MpopBinary, against server: ScriptedServer) throws -> HostileAccount.Outcome {
        let account = try HostileAccount(binary)
        defer { account.home.remove() }
        try account.configure(port: server.port, extra: "tls on\ntls_trust_file system")
        return try account.run()
    }

    static func refused(_ outcome: HostileAccount.Outcome, _ account: HostileAccount) -> Bool {
        outcome.status != 0 && outcome.stderr.hasPrefix("mpop: ") && account.deliveredUIDs.isEmpty
    }

    @Test func wrongHostName() throws {
        let pair = try Pair { try $0.issueServerCertificate(name: "other", hostName: "mail.example.org") }
        defer { pair.stop() }
        let ours = try pair.expectBothRefuse("tls_trust_file \(pair.dovecot.ca.certificateFile)")
        #expect(ours.stderr.contains("The name in the certificate does not match"), "\(ours)")
        #expect(ours.stderr.contains("mpop: hint: the certificate is not for 127.0.0.1: set host to a name it was issued for"), "\(ours)")
    }

    @Test func untrustedCA() throws {
        let pair = try Pair()
        defer { pair.stop() }
        let stranger = try ThrowawayCA()
        let ours = try pair.expectBothRefuse("tls_trust_file \(stranger.certificateFile)")
        #expect(ours.stderr.contains("The certificate issuer is unknown"), "\(ours)")
        #expect(ours.stderr.contains("mpop: hint: the certificate's issuer is not in "), "\(ours)")
    }

    @Test func expiredCertificate() throws {
        let pair = try Pair { try $0.issueServerCertificate(name: "expired", validFromDays: -10, validUntilDays: -1) }
        defer { pair.stop() }
        let ours = try pair.expectBothRefuse("tls_trust_file \(pair.dovecot.ca.certificateFile)")
        #expect(ours.stderr.contains("expired"), "\(ours)")
        #expect(ours.stderr.contains("mpop: hint: the server's certificate has expired"), "\(ours)")
    }

    @Test func notYetValidCertificate() throws {
        let pair = try Pair { try $0.issueServerCertificate(name: "future", validFromDays: 2, validUntilDays: 10) }
        defer { pair.stop() }
        let ours = try pair.expectBothRefuse("tls_trust_file \(pair.dovecot.ca.certificateFile)")
        #expect(ours.stderr.contains("not yet valid"), "\(ours)")
        #expect(ours.stderr.contains("mpop: hint: the server's certificate is not valid yet"), "\(ours)")
    }

    @Test func pinningMismatch() throws {
        let pair = try Pair()
        defer { pair.stop() }
        let wrong = Array(repeating: "AB", count: 32).joined(separator: ":")
        let ours = try pair.expectBothRefuse("tls_fingerprint \(wrong)")
        #expect(ours.stderr.contains("mpop: hint: the server's certificate is not the pinned one"), "\(ours)")
    }

    /// A request for a client certificate is not a demand: without
    /// `tls_cert_file` both clients send none and carry on.
    @Test func serverRequestsAClientCertificate() throws {
        let ca = try ThrowawayCA()
        let pair = try Pair(extraConfiguration: "ssl_verify_client_cert = yes\nssl_ca = <\(ca.certificateFile)\n")
        defer { pair.stop() }
        try pair.configure("tls_trust_file \(pair.dovecot.ca.certificateFile)")
        let (ours, theirs) = try pair.run()
        #expect(ours.status == theirs.status, "\(ours)")
        #expect(ours.status == 0, "\(ours)")
        #expect(pair.ours.deliveredUIDs == ["tls0"])
    }

    /// STLS missing from CAPA: a downgrade must not fall back to plain text.
    @Test func stlsRemovedFromCAPA() throws {
        for binary in [MpopBinary.ours, .reference] {
            let server = try ScriptedServer("""
                <-- +OK ready
                --> CAPA
                <-- +OK
                <-- USER
                <-- UIDL
                <-- .
                --> *
                """, readTimeout: 5)
            let outcome = try Self.runWithSTLS(binary, against: server)
            #expect(outcome.status == 69, "\(binary.path): \(outcome)")
            #expect(outcome.stderr.hasPrefix("mpop: the POP3 server does not support TLS via the STLS command\n"), "\(outcome)")
            #expect(!server.receivedLines.contains { $0.hasPrefix("USER") || $0.hasPrefix("PASS") })
            _ = server.finish(timeout: 10)
        }
    }

    /// Bytes after STLS's +OK would be read as if they came over TLS.
    @Test func dataInjectedAfterSTLS() throws {
        for binary in [MpopBinary.ours, .reference] {
            // Both lines in one write, so they arrive together.
            let server = try ScriptedServer(steps: [
                .send(Array("+OK ready\r\n".utf8)),
                .expect("CAPA"),
                .send(Array("+OK\r\nUSER\r\nSTLS\r\n.\r\n".utf8)),
                .expect("STLS"),
                .send(Array("+OK begin TLS\r\n+OK injected\r\n".utf8)),
                .expect(nil),
            ], readTimeout: 5)
            let outcome = try Self.runWithSTLS(binary, against: server)
            #expect(outcome.status == 76, "\(binary.path): \(outcome)")
            #expect(outcome.stderr.hasPrefix("mpop: command STLS failed"), "\(outcome)")
            #expect(!server.receivedLines.contains { $0.hasPrefix("USER") || $0.hasPrefix("PASS") })
            _ = server.finish(timeout: 10)
        }
    }
}
