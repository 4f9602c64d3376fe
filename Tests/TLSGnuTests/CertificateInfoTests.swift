import Foundation
import POP3Core
import TLSGnu
import Testing
import TestSupport

/// The certificate facts for `--serverinfo`, compared with Debian's mpop on
/// a certificate whose subject has several RDNs.
@Suite struct CertificateInfoTests {
    @Test func namesAndFingerprintsMatchMpop() throws {
        let directory = try TemporaryDirectory(prefix: "mpop-rdn")
        chmod(directory.path, 0o755)
        let key = directory.url("key.pem"), certificate = directory.url("cert.pem")
        let template = try directory.write("cert.tmpl", """
            cn = "localhost"
            organization = "Test Org"
            unit = "Mail"
            country = "DE"
            expiration_days = 2
            tls_www_server
            signing_key
            encryption_key

            """)
        for arguments in [["--generate-privkey", "--key-type=ecdsa", "--outfile", key],
                          ["--generate-self-signed", "--load-privkey", key, "--template", template,
                           "--outfile", certificate]] {
            let result = try ProgramRunner.run("/usr/bin/certtool", arguments, environment: ["PATH": "/usr/bin:/bin"],
                                               timeout: 30)
            try #require(result.status == 0, "certtool failed: \(result)")
        }
        chmod(key, 0o644)
        // The later setting wins in dovecot's configuration.
        let server = try DovecotServer(extraConfiguration: "ssl_cert = <\(certificate)\nssl_key = <\(key)\n")
        defer { server.stop() }

        let tls = try implicitTLS(server, TLSSettings(serverName: "localhost", certCheck: false))
        let info = try #require(tls.peerCertificate)
        let description = try #require(tls.sessionDescription)
        _ = try readLine(tls)
        tls.close()

        let home = try TemporaryDirectory(prefix: "mpop-ref-home")
        let reference = try MpopBinary.reference.run(
            ["--serverinfo", "--host=localhost", "--port=\(server.tlsPort)", "--tls", "--tls-starttls=off",
             "--tls-certcheck=off"], home: home.path, timeout: 30)
        let lines = reference.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func after(_ heading: String) -> String? {
            lines.firstIndex(of: heading).flatMap { $0 + 1 < lines.count ? lines[$0 + 1] : nil }
        }
        #expect(info.subject == "C=DE,O=Test Org,OU=Mail,CN=localhost")
        #expect(after("Subject:") == info.subject)
        #expect(after("Issuer:") == info.issuer)
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02X", $0) }.joined(separator: ":") }
        #expect(lines.contains("SHA256: \(hex(info.sha256Fingerprint))"))
        #expect(lines.contains("SHA1 (deprecated): \(hex(info.sha1Fingerprint))"))
        #expect(info.expirationTime - info.activationTime == 2 * 86_400)
        #expect(lines.contains(description))
    }
}
