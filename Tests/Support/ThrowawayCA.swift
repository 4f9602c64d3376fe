import Foundation

/// A certificate authority made for one test run with GnuTLS's `certtool`,
/// and server certificates it signs.
public final class ThrowawayCA: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// The CA certificate, PEM; the trust file for clients.
    public let certificateFile: String
    let keyFile: String

    public init() throws {
        try Prerequisites.require("/usr/bin/certtool", package: "gnutls-bin")
        directory = try TemporaryDirectory(prefix: "mpop-ca")
        keyFile = directory.url("ca.key")
        certificateFile = directory.url("ca.pem")
        try Self.certtool(["--generate-privkey", "--key-type=ecdsa", "--outfile", keyFile])
        let template = try directory.write("ca.tmpl", """
            cn = "mpop throwaway test CA"
            ca
            cert_signing_key
            crl_signing_key
            expiration_days = 3

            """)
        try Self.certtool(["--generate-self-signed", "--load-privkey", keyFile,
                           "--template", template, "--outfile", certificateFile])
    }

    /// A key and certificate pair on disk.
    public struct Issued: Sendable {
        public let certificateFile: String
        public let keyFile: String
    }

    /// Issues a server certificate for `hostName` (also valid for 127.0.0.1
    /// when `hostName` is `localhost`), valid from `notBefore` to `notAfter`
    /// days relative to now.
    public func issueServerCertificate(name: String, hostName: String = "localhost",
                                       validFromDays notBefore: Int = 0,
                                       validUntilDays notAfter: Int = 2) throws -> Issued {
        let key = directory.url("\(name).key"), cert = directory.url("\(name).pem")
        try Self.certtool(["--generate-privkey", "--key-type=ecdsa", "--outfile", key])
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let now = Date()
        let start = format.string(from: now.addingTimeInterval(Double(notBefore) * 86_400 - 60))
        let end = format.string(from: now.addingTimeInterval(Double(notAfter) * 86_400))
        var lines = [
            "cn = \"\(hostName)\"",
            "dns_name = \"\(hostName)\"",
            "tls_www_server",
            "signing_key",
            "encryption_key",
            "activation_date = \"\(start)\"",
            "expiration_date = \"\(end)\"",
        ]
        if hostName == "localhost" {
            lines.append("ip_address = \"127.0.0.1\"")
        }
        let template = try directory.write("\(name).tmpl", lines.joined(separator: "\n") + "\n")
        try Self.certtool(["--generate-certificate", "--load-privkey", key,
                           "--load-ca-certificate", certificateFile, "--load-ca-privkey", keyFile,
                           "--template", template, "--outfile", cert])
        return Issued(certificateFile: cert, keyFile: key)
    }

    static func certtool(_ arguments: [String]) throws {
        let result = try ProgramRunner.run("/usr/bin/certtool", arguments,
                                           environment: ["PATH": "/usr/bin:/bin"], timeout: 30)
        guard result.status == 0 else {
            throw MessageFailure("certtool \(arguments.joined(separator: " ")) failed: \(result)")
        }
    }
}

/// A harness failure with a message.
public struct MessageFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
