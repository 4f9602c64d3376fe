import Foundation

/// GNU Mailutils' `pop3d` (Debian 12: mailutils-pop3d 3.15) on 127.0.0.1,
/// in daemon mode with a configuration of its own: one user,
/// ``user``/``password``, from a virtdomain passwd file, and no TLS. It
/// announces `EXPIRENEVER` (no blank), or `EXPIREn` with `expire n;` in
/// `configuration`.
///
/// The package is not installed: its maintainer scripts enable and start a
/// system service on port 110. Instead `apt-get download mailutils-pop3d`
/// fetches it once and `dpkg-deb -x` unpacks it into the build folder. Its
/// libraries come from packages that install cleanly, `libmailutils9` and
/// `libmu-dbm9` (Scripts/install-deps); when they are missing, they are
/// installed with apt-get if we are root. When the server cannot be had,
/// the initializer throws an error saying what to install.
public final class MailutilsPop3dServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    public let user = "joe@localhost"
    public let password = "secret"
    private let server: ServerProcess

    /// The SHA-512 crypt(3) hash of ``password`` with the salt `saltsalt`,
    /// as the passwd file wants it.
    static let passwordHash = "$6$saltsalt$"
        + "TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"

    /// Starts the server with `configuration` (statements of pop3d's
    /// configuration language) added to the harness's own.
    public init(configuration: String = "") throws {
        let program = try Self.program.get()
        let directory = try TemporaryDirectory(prefix: "mpop-mailutils")
        self.directory = directory
        let home = try directory.makeDirectory("home")
        _ = try directory.makeDirectory("passwd")
        // virtdomain: the user is joe@localhost, the file is named after the domain.
        _ = try directory.write("passwd/localhost",
                                "joe:\(Self.passwordHash):\(getuid()):\(getgid())::\(home):/bin/sh\n")
        let log = directory.url("pop3d.log")
        server = try ServerProcess(launch: { ports in
            let config = try directory.write("pop3d.conf", """
                logging { syslog no; };
                mode daemon;
                foreground yes;
                pidfile "\(directory.url("pop3d.pid"))";
                auth {
                  authentication generic;
                  authorization virtdomain;
                };
                virtdomain { passwd-dir "\(directory.url("passwd"))"; };
                server 127.0.0.1:\(ports[0]) { };
                \(configuration)

                """)
            return try ChildProcess(program, ["--config-file=\(config)"],
                                    environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
                                    stdout: log, stderr: log)
        }, failure: { ports in
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return MessageFailure("GNU mailutils pop3d did not start listening on port \(ports[0]); its log:\n\(output)")
        })
        port = server.ports[0]
    }

    public func stop() {
        server.stop()
    }

    /// Ends the server before its directory is removed.
    deinit {
        stop()
    }

    // MARK: Getting the program

    /// Found, fetched or unpacked once per test run.
    static let program = Result { () throws(MessageFailure) -> String in try locate() }

    static let packages = "mailutils-pop3d (or, without its system service, libmailutils9 and libmu-dbm9 "
        + "from Scripts/install-deps plus a working `apt-get download mailutils-pop3d`)"

    private static func locate() throws(MessageFailure) -> String {
        let installed = "/usr/sbin/pop3d"
        if isMailutilsPop3d(installed) {
            try requireLibraries(of: installed)
            return installed
        }
        let unpacked = try UnpackedPackage.folder(of: "mailutils-pop3d", remedy: "install \(packages)") + installed
        try requireLibraries(of: unpacked)
        guard isMailutilsPop3d(unpacked) else {
            throw MessageFailure("\(unpacked) does not run as GNU mailutils pop3d; install \(packages)")
        }
        return unpacked
    }

    private static func isMailutilsPop3d(_ path: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: path),
              let version = try? ProgramRunner.run(path, ["--version"], environment: [:], timeout: 20)
        else { return false }
        return version.status == 0 && version.stdout.contains("GNU Mailutils")
    }

    /// The shared libraries `pop3d` needs, installed with apt-get when
    /// missing and we are root: they are plain library packages.
    private static func requireLibraries(of program: String) throws(MessageFailure) {
        func missing() -> String? {
            guard let ldd = try? ProgramRunner.run("/usr/bin/ldd", [program], environment: [:], timeout: 20) else {
                return "ldd \(program) did not run"
            }
            let lines = ldd.stdout.split(separator: "\n").filter { $0.contains("not found") }
            return lines.isEmpty ? nil : lines.joined(separator: "; ")
        }
        guard missing() != nil else { return }
        if geteuid() == 0 {
            _ = try? ProgramRunner.run("/usr/bin/apt-get",
                                       ["install", "-y", "-qq", "--no-install-recommends",
                                        "-o", "DPkg::Lock::Timeout=300", "libmailutils9", "libmu-dbm9"],
                                       environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                                     "DEBIAN_FRONTEND": "noninteractive"],
                                       timeout: 600)
        }
        if let still = missing() {
            throw MessageFailure("GNU mailutils pop3d lacks libraries (\(still)); "
                                 + "install them with: apt-get install libmailutils9 libmu-dbm9")
        }
    }
}
