import Foundation

/// The throwaway OAuth 2.0 provider of `Scripts/throwaway_token_service.py`
/// on 127.0.0.1: HTTPS with a certificate of `ca` for the provider's
/// endpoints and dovecot's introspection, plain HTTP for the test's
/// controls (expire, revoke, rotate, approve a device code, statistics).
public final class TokenService: @unchecked Sendable {
    public let ca: ThrowawayCA
    /// The HTTPS port: `/authorize`, `/token`, `/device`, `/introspect`.
    public let port: Int
    /// The plain HTTP port of `/admin/...`.
    public let adminPort: Int
    private let server: ServerProcess
    private let directory: TemporaryDirectory

    /// Starts the service for one user, whose name it gives in introspection.
    public init(ca: ThrowawayCA, user: String) throws {
        try Prerequisites.require("/usr/bin/python3", package: "python3")
        try Prerequisites.require("/usr/bin/curl", package: "curl")
        self.ca = ca
        let issued = try ca.issueServerCertificate(name: "token-service")
        let directory = try TemporaryDirectory(prefix: "mpop-tokens")
        self.directory = directory
        let script = Self.scriptPath
        server = try ServerProcess(portCount: 2, launch: { ports in
            try ChildProcess("/usr/bin/python3", [script, issued.certificateFile, issued.keyFile,
                                                  String(ports[0]), String(ports[1]), user],
                             environment: ["PATH": "/usr/bin:/bin"], stderr: directory.url("stderr"))
        }, failure: { _ in
            let log = (try? String(contentsOfFile: directory.url("stderr"), encoding: .utf8)) ?? ""
            return MessageFailure("the token service did not start listening:\n\(log)")
        })
        port = server.ports[0]
        adminPort = server.ports[1]
    }

    /// `Scripts/throwaway_token_service.py`, found from this file's place.
    static var scriptPath: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Scripts/throwaway_token_service.py"
    }

    public func url(_ path: String) -> String {
        "https://127.0.0.1:\(port)\(path)"
    }

    /// Calls `/admin/NAME?query` and returns its JSON.
    @discardableResult
    public func admin(_ name: String, _ query: String = "") throws -> [String: Any] {
        let result = try ProgramRunner.run("/usr/bin/curl", ["-sS", "--fail-with-body",
                                                             "http://127.0.0.1:\(adminPort)/admin/\(name)?\(query)"],
                                           environment: ["PATH": "/usr/bin:/bin"], timeout: 30)
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw MessageFailure("admin \(name) failed: \(result)")
        }
        return object
    }

    /// How many refresh grants the service answered.
    public func refreshCount() throws -> Int {
        try admin("stats")["refreshes"] as? Int ?? -1
    }

    /// Every access and refresh token the service ever issued.
    public func issuedTokens() throws -> [String] {
        try admin("stats")["issued"] as? [String] ?? []
    }

    /// Plays the browser: opens `url` (the provider's consent page, which
    /// consents at once) and follows its redirect to mpop's loopback listener.
    /// - Returns: the page mpop's listener answered with.
    public func browse(_ url: String) throws -> RunResult {
        try ProgramRunner.run("/usr/bin/curl", ["-sS", "-L", "--max-redirs", "1", "--cacert", ca.certificateFile, url],
                              environment: ["PATH": "/usr/bin:/bin"], timeout: 30)
    }

    /// dovecot's `oauth2` passdb configuration for this service, and the
    /// mechanisms it serves, for ``DovecotServer``'s `extraConfiguration`.
    /// dovecot's auth process reads the files after dropping privileges:
    /// `directory` gets a copy of the CA certificate, readable by all.
    public func dovecotConfiguration(in directory: TemporaryDirectory) throws -> String {
        let caCopy = try directory.write("token-service-ca.pem",
                                         try String(contentsOfFile: ca.certificateFile, encoding: .utf8), mode: 0o644)
        let file = try directory.write("dovecot-oauth2.conf.ext", """
            introspection_mode = post
            introspection_url = \(url("/introspect"))
            force_introspection = yes
            username_attribute = username
            active_attribute = active
            active_value = true
            tls_ca_cert_file = \(caCopy)

            """, mode: 0o644)
        chmod(directory.path, 0o755)
        return """
            auth_mechanisms = $auth_mechanisms xoauth2 oauthbearer
            passdb {
              driver = oauth2
              mechanisms = xoauth2 oauthbearer
              args = \(file)
            }
            """
    }

    public func stop() {
        server.stop()
    }

    deinit {
        stop()
    }
}
