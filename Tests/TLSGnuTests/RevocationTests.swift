import Foundation
import POP3Core
import TLSGnu
import Testing
import TestSupport

/// `tls_crl_file`: a revoked server certificate is refused, as mpop refuses it.
@Suite struct RevocationTests {
    private func certtool(_ arguments: [String]) throws {
        let result = try ProgramRunner.run("/usr/bin/certtool", arguments, environment: ["PATH": "/usr/bin:/bin"],
                                           timeout: 30)
        try #require(result.status == 0, "certtool failed: \(result)")
    }

    @Test func refusesARevokedCertificate() throws {
        try Prerequisites.require("/usr/bin/certtool", package: "gnutls-bin")
        let directory = try TemporaryDirectory(prefix: "mpop-crl")
        chmod(directory.path, 0o755)
        let caKey = directory.url("ca.key"), ca = directory.url("ca.pem")
        let key = directory.url("server.key"), certificate = directory.url("server.pem")
        let crl = directory.url("crl.pem")
        let caTemplate = try directory.write("ca.tmpl", "cn = \"revoking test CA\"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3\n")
        let serverTemplate = try directory.write("server.tmpl", """
            cn = "localhost"
            dns_name = "localhost"
            ip_address = "127.0.0.1"
            serial = 7
            expiration_days = 2
            tls_www_server
            signing_key
            encryption_key

            """)
        let crlTemplate = try directory.write("crl.tmpl", "crl_next_update = 2\ncrl_number = 1\n")
        try certtool(["--generate-privkey", "--key-type=ecdsa", "--outfile", caKey])
        try certtool(["--generate-self-signed", "--load-privkey", caKey, "--template", caTemplate, "--outfile", ca])
        try certtool(["--generate-privkey", "--key-type=ecdsa", "--outfile", key])
        try certtool(["--generate-certificate", "--load-privkey", key, "--load-ca-certificate", ca,
                      "--load-ca-privkey", caKey, "--template", serverTemplate, "--outfile", certificate])
        try certtool(["--generate-crl", "--load-ca-privkey", caKey, "--load-ca-certificate", ca,
                      "--load-certificate", certificate, "--template", crlTemplate, "--outfile", crl])
        chmod(key, 0o644)
        let server = try DovecotServer(extraConfiguration: "ssl_cert = <\(certificate)\nssl_key = <\(key)\n")
        defer { server.stop() }

        // Without the CRL the certificate is good.
        let tls = try implicitTLS(server, TLSSettings(serverName: "localhost", trustFile: ca))
        #expect(try readLine(tls).hasPrefix("+OK"))
        tls.close()

        let ours = reportableError {
            try implicitTLS(server, TLSSettings(serverName: "localhost", trustFile: ca, crlFile: crl))
        }
        let theirs = try referenceFailure(["--host=localhost", "--port=\(server.tlsPort)", "--tls",
                                           "--tls-starttls=off", "--tls-trust-file=\(ca)", "--tls-crl-file=\(crl)"])
        #expect(ours?.explanation == theirs.explanation)
        #expect(ours?.explanation.contains("revoked") == true)
        #expect(ours?.exitStatus == .unavailable)
        #expect(theirs.status == 69)
    }
}
