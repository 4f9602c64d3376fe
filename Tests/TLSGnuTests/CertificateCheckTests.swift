import Foundation
import POP3Core
import TLSGnu
import Testing
import TestSupport

/// Certificate checks and setup errors, compared with what Debian's mpop
/// prints for the same server and settings.
@Suite struct CertificateCheckTests {
    /// Our error for `settings` against `server`'s implicit-TLS port.
    private func failure(_ server: DovecotServer, _ settings: TLSSettings) -> (any ReportableError)? {
        reportableError { try implicitTLS(server, settings) }
    }

    /// mpop's error for implicit TLS to `server` with `extra` options.
    private func reference(_ server: DovecotServer, _ extra: [String]) throws -> (explanation: String, status: Int32) {
        try referenceFailure(["--host=localhost", "--port=\(server.tlsPort)", "--tls", "--tls-starttls=off"] + extra)
    }

    private func expectSameFailure(_ server: DovecotServer, _ settings: TLSSettings, mpopOptions: [String],
                                   status: POP3Core.ExitStatus, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = failure(server, settings)
        let theirs = try reference(server, mpopOptions)
        #expect(ours?.explanation == theirs.explanation, sourceLocation: sourceLocation)
        #expect(ours?.exitStatus == status, sourceLocation: sourceLocation)
        #expect(theirs.status == status.rawValue, sourceLocation: sourceLocation)
    }

    @Test func refusesAnUntrustedIssuer() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let stranger = try ThrowawayCA()
        var settings = trusting(server)
        settings.trustFile = stranger.certificateFile
        try expectSameFailure(server, settings, mpopOptions: ["--tls-trust-file=\(stranger.certificateFile)"],
                              status: .unavailable)
        #expect(failure(server, settings)?.explanation
                == "TLS certificate verification failed: The certificate is NOT trusted. The certificate issuer is unknown. ")
    }

    @Test func refusesACertificateForAnotherHost() throws {
        let ca = try ThrowawayCA()
        let server = try DovecotServer(ca: ca, certificate: try ca.issueServerCertificate(name: "other", hostName: "mail.example"))
        defer { server.stop() }
        try expectSameFailure(server, trusting(server), mpopOptions: ["--tls-trust-file=\(ca.certificateFile)"],
                              status: .unavailable)
    }

    @Test func refusesAnExpiredCertificate() throws {
        let ca = try ThrowawayCA()
        let server = try DovecotServer(ca: ca, certificate: try ca.issueServerCertificate(
            name: "expired", validFromDays: -3, validUntilDays: -1))
        defer { server.stop() }
        try expectSameFailure(server, trusting(server), mpopOptions: ["--tls-trust-file=\(ca.certificateFile)"],
                              status: .unavailable)
    }

    @Test func refusesACertificateNotYetValid() throws {
        let ca = try ThrowawayCA()
        let server = try DovecotServer(ca: ca, certificate: try ca.issueServerCertificate(
            name: "future", validFromDays: 1, validUntilDays: 2))
        defer { server.stop() }
        try expectSameFailure(server, trusting(server), mpopOptions: ["--tls-trust-file=\(ca.certificateFile)"],
                              status: .unavailable)
    }

    @Test func pinnedFingerprintOverridesTheTrustFile() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let unchecked = try implicitTLS(server, TLSSettings(serverName: "localhost", certCheck: false))
        let certificate = try #require(unchecked.peerCertificate)
        unchecked.close()
        let stranger = try ThrowawayCA()
        for digest in [certificate.sha256Fingerprint, certificate.sha1Fingerprint] {
            let settings = TLSSettings(serverName: "wrong.example", trustFile: stranger.certificateFile,
                                       fingerprint: digest)
            let tls = try implicitTLS(server, settings)
            #expect(try readLine(tls).hasPrefix("+OK"))
            tls.close()
        }
    }

    @Test func refusesAFingerprintThatDiffers() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let settings = TLSSettings(serverName: "localhost", trustFile: server.ca.certificateFile,
                                   fingerprint: [UInt8](repeating: 0xAB, count: 32))
        let fingerprint = Array(repeating: "AB", count: 32).joined(separator: ":")
        try expectSameFailure(server, settings, mpopOptions: ["--tls-fingerprint=\(fingerprint)"],
                              status: .unavailable)
        #expect(failure(server, settings)?.explanation
                == "TLS certificate verification failed: the certificate fingerprint does not match")
    }

    @Test func certcheckOffAcceptsAnything() throws {
        let ca = try ThrowawayCA()
        let server = try DovecotServer(ca: ca, certificate: try ca.issueServerCertificate(
            name: "expired", hostName: "mail.example", validFromDays: -3, validUntilDays: -1))
        defer { server.stop() }
        let stranger = try ThrowawayCA()
        let settings = TLSSettings(serverName: "localhost", trustFile: stranger.certificateFile, certCheck: false)
        let tls = try implicitTLS(server, settings)
        defer { tls.close() }
        #expect(try readLine(tls).hasPrefix("+OK"))
        #expect(tls.peerCertificate?.subject == "CN=mail.example")
    }

    @Test func reportsThePositionOfABadPriority() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        var settings = trusting(server)
        settings.priorities = "NORMAL:+FOO"
        try expectSameFailure(server, settings,
                              mpopOptions: ["--tls-trust-file=\(server.ca.certificateFile)", "--tls-priorities=NORMAL:+FOO"],
                              status: .software)
    }

    @Test func missingTrustFileIsNoInput() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        var settings = trusting(server)
        settings.trustFile = "/nonexistent/ca.pem"
        try expectSameFailure(server, settings, mpopOptions: ["--tls-trust-file=/nonexistent/ca.pem"],
                              status: .noInput)
    }

    @Test func missingCRLFileIsNoInput() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        var settings = trusting(server)
        settings.crlFile = "/nonexistent/crl.pem"
        try expectSameFailure(server, settings,
                              mpopOptions: ["--tls-trust-file=\(server.ca.certificateFile)", "--tls-crl-file=/nonexistent/crl.pem"],
                              status: .noInput)
    }

    @Test func missingClientKeyIsNoInput() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        var settings = trusting(server)
        settings.keyFile = "/nonexistent/key.pem"
        settings.certFile = "/nonexistent/cert.pem"
        try expectSameFailure(server, settings,
                              mpopOptions: ["--tls-trust-file=\(server.ca.certificateFile)",
                                            "--tls-key-file=/nonexistent/key.pem", "--tls-cert-file=/nonexistent/cert.pem"],
                              status: .noInput)
    }

    /// TLS spoken to the plain POP3 port: dovecot's greeting is no TLS record.
    @Test func plainServerFailsTheHandshake() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let ours = reportableError {
            try GnuTLSStarter().startTLS(over: try plainConnection(to: server.port), settings: trusting(server))
        }
        let theirs = try referenceFailure(["--host=localhost", "--port=\(server.port)", "--tls", "--tls-starttls=off",
                                           "--tls-trust-file=\(server.ca.certificateFile)"])
        #expect(ours?.explanation == theirs.explanation)
        #expect(ours?.exitStatus == .protocolError)
        #expect(theirs.status == 76)
    }
}
