import Foundation
import TestSupport

/// A token service, a dovecot whose `oauth2` passdb asks it about tokens,
/// one user with mail, and a HOME whose `~/.mpoprc` has account `mail`
/// with `oauth2_provider custom` pointed at the service.
final class OAuth2Fixture: @unchecked Sendable {
    static let user = "alice"
    let ca: ThrowawayCA
    let service: TokenService
    let dovecot: DovecotServer
    let mailbox: ServerMailbox
    let home: TemporaryDirectory
    let maildir: String
    /// Every stdout and stderr of mpop in this fixture, for the leak check.
    private(set) var outputs: [String] = []

    /// - Parameters:
    ///   - auth: the `auth` line's argument, or `nil` for the automatic choice.
    ///   - extra: more lines for the account.
    init(auth: String? = nil, extra: String = "") throws {
        ca = try ThrowawayCA()
        service = try TokenService(ca: ca, user: Self.user)
        let configuration = try TemporaryDirectory(prefix: "mpop-dovecot-oauth2")
        self.configuration = configuration
        dovecot = try DovecotServer(ca: ca, extraConfiguration: try service.dovecotConfiguration(in: configuration))
        mailbox = try dovecot.addUser(Self.user, password: "not the way in")
        home = try TemporaryDirectory(prefix: "mpop-oauth2")
        maildir = try home.makeMaildir("Mail")
        try home.write(".mpoprc", """
            account mail
            host 127.0.0.1
            port \(dovecot.port)
            tls on
            tls_trust_file \(ca.certificateFile)
            user \(Self.user)
            \(auth.map { "auth " + $0 } ?? "")
            oauth2_provider custom
            oauth2_client_id mpop-test-client
            oauth2_authorization_endpoint \(service.url("/authorize"))
            oauth2_token_endpoint \(service.url("/token"))
            oauth2_device_endpoint \(service.url("/device"))
            oauth2_scope mail
            delivery maildir \(maildir)
            \(extra)

            """)
    }

    /// Holds dovecot's oauth2 configuration file.
    private let configuration: TemporaryDirectory

    /// Where the account's tokens are kept without a key ring.
    var tokenFile: String {
        home.path + "/.mpop_uidls/\(Self.user)_at_127.0.0.1.oauth2"
    }

    /// Runs mpop to its end.
    func run(_ arguments: [String], path: String = "/usr/bin:/bin") throws -> RunResult {
        let result = try MpopBinary.ours.run(arguments, home: home.path, environment: ["PATH": path])
        outputs += [result.stdout, result.stderr]
        return result
    }

    /// Starts mpop with stdout and stderr to files, for the flows that wait.
    func start(_ arguments: [String], path: String = "/usr/bin:/bin") throws -> (ChildProcess, stdout: String, stderr: String) {
        let stdout = home.url("out-\(UUID().uuidString)"), stderr = home.url("err-\(UUID().uuidString)")
        let child = try ChildProcess(MpopBinary.ours.path, arguments,
                                     environment: ["HOME": home.path, "PATH": path, "LC_ALL": "C", "TZ": "UTC"],
                                     stdout: stdout, stderr: stderr)
        return (child, stdout, stderr)
    }

    /// Waits up to 30 s for a line of `file` that `matches`.
    func awaitLine(in file: String, _ matches: (String) -> Bool) -> String? {
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").map(String.init).first(where: matches) { return line }
            usleep(100_000)
        }
        return nil
    }

    /// Collects what a started mpop printed, once it has ended.
    func collect(_ stdout: String, _ stderr: String) -> (stdout: String, stderr: String) {
        let out = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
        outputs += [out, err]
        return (out, err)
    }

    /// `mpop --oauth2-authorize mail` through the browser flow, the test
    /// playing the browser. Returns mpop's exit status and output.
    func authorizeInBrowser(path: String = "/usr/bin:/bin") throws -> (status: Int32, stdout: String, stderr: String, page: String) {
        let (child, stdout, stderr) = try start(["--oauth2-authorize", "mail"], path: path)
        guard let url = awaitLine(in: stdout, { $0.hasPrefix("https://") }) else {
            child.terminate()
            let printed = collect(stdout, stderr)
            throw MessageFailure("no authorization URL printed: \(printed)")
        }
        let page = try service.browse(url)
        let (status, _) = child.wait(timeout: 60)
        let printed = collect(stdout, stderr)
        return (status, printed.stdout, printed.stderr, page.stdout)
    }

    /// `mpop --oauth2-authorize=device mail`, the test approving the printed code.
    func authorizeDevice(path: String = "/usr/bin:/bin") throws -> (status: Int32, stdout: String, stderr: String) {
        let (child, stdout, stderr) = try start(["--oauth2-authorize=device", "mail"], path: path)
        guard let line = awaitLine(in: stdout, { $0.contains("enter the code ") }) else {
            child.terminate()
            throw MessageFailure("no user code printed: \(collect(stdout, stderr))")
        }
        let code = String(line.split(separator: " ").last ?? "")
        try service.admin("approve", "user_code=\(code)")
        let (status, _) = child.wait(timeout: 60)
        let printed = collect(stdout, stderr)
        return (status, printed.stdout, printed.stderr)
    }

    /// The messages delivered so far.
    var deliveredCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: maildir + "/new")) ?? []).count
    }

    /// The issued tokens found in any output so far, or in `others`.
    func leakedTokens(alsoIn others: [String] = []) throws -> [String] {
        let texts = outputs + others
        return try service.issuedTokens().filter { token in texts.contains { $0.contains(token) } }
    }

    func stop() {
        dovecot.stop()
        service.stop()
    }
}
