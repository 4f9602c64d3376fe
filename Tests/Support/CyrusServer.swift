import Foundation

/// A real Cyrus IMAP 3.6 POP3 server (`pop3d` under cyrus's `master`) on
/// 127.0.0.1, with its own configuration, partition and sasldb in a
/// temporary directory; the system's cyrus setup is never touched.
///
/// It is the Debian server that offers SCRAM-SHA-1-PLUS and
/// SCRAM-SHA-256-PLUS (after STLS, and on POP3S), through Cyrus SASL 2.1.28,
/// whose channel binding is tls-unique only: -PLUS logs in over TLS 1.2
/// and is refused (`-ERR [AUTH] authenticating: bad protocol / cancel`) on
/// TLS 1.3, where the client sends tls-exporter. `port` is plain POP3
/// with STLS, `tlsPort` implicit TLS. A user's INBOX is made at first login.
public final class CyrusServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let ca: ThrowawayCA
    public let port: Int
    public let tlsPort: Int
    private let server: ServerProcess
    private let owner: (uid: uid_t, gid: gid_t)

    public init(mechanisms: String = "PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-1-PLUS SCRAM-SHA-256-PLUS")
        throws {
        try Prerequisites.require("/usr/lib/cyrus/bin/master", package: "cyrus-common")
        try Prerequisites.require("/usr/sbin/saslpasswd2", package: "sasl2-bin")
        let found = try Self.pop3d.get()
        try Prerequisites.require("/usr/bin/certtool", package: "gnutls-bin")
        ca = try ThrowawayCA()
        let issued = try ca.issueServerCertificate(name: "cyrus-server")
        let directory = try TemporaryDirectory(prefix: "mpop-cyrus")
        self.directory = directory
        chmod(directory.path, 0o755)
        // As root, cyrus's processes run as its own user (as packaged).
        let runningAsRoot = geteuid() == 0
        if runningAsRoot {
            guard let cyrus = getpwnam("cyrus") else {
                throw MissingPrerequisite(program: "the cyrus user", package: "cyrus-common")
            }
            owner = (cyrus.pointee.pw_uid, cyrus.pointee.pw_gid)
        } else {
            owner = (getuid(), getgid())
        }
        // A copy inside the server's own folder: cyrus's user may not be
        // able to reach the build folder (a clone under /root, mode 0700).
        let pop3d = directory.url("pop3d")
        try FileManager.default.copyItem(atPath: found, toPath: pop3d)
        chmod(pop3d, 0o755)
        let certFile = try directory.write("server.pem", try String(contentsOfFile: issued.certificateFile, encoding: .utf8))
        let keyFile = try directory.write("server.key", try String(contentsOfFile: issued.keyFile, encoding: .utf8))
        for sub in ["conf", "partition", "run"] {
            try FileManager.default.createDirectory(atPath: directory.url(sub), withIntermediateDirectories: true)
        }
        let configFile = try directory.write("imapd.conf", """
            configdirectory: \(directory.url("conf"))
            partition-default: \(directory.url("partition"))
            servername: localhost
            sasl_pwcheck_method: auxprop
            sasl_auxprop_plugin: sasldb
            sasl_sasldb_path: \(directory.url("sasldb2"))
            sasl_mech_list: \(mechanisms)
            allowplaintext: yes
            tls_server_cert: \(certFile)
            tls_server_key: \(keyFile)
            autocreate_quota: 0
            popminpoll: 0
            syslog_prefix: mpop-test-cyrus

            """, mode: 0o644)
        let owner = owner
        server = try ServerProcess(portCount: 2, launch: { ports in
            let services = try directory.write("cyrus.conf", """
                START {
                  recover cmd="ctl_cyrusdb -r -C \(configFile)"
                }
                SERVICES {
                  pop3 cmd="\(pop3d) -C \(configFile)" listen="127.0.0.1:\(ports[0])" prefork=0
                  pop3s cmd="\(pop3d) -s -C \(configFile)" listen="127.0.0.1:\(ports[1])" prefork=0
                }
                EVENTS {
                }

                """, mode: 0o644)
            try Self.chownTree(directory.path, to: owner)
            let master = ["/usr/lib/cyrus/bin/master", "-C", configFile, "-M", services, "-D",
                          "-p", directory.url("run/master.pid")]
            let (program, arguments) = runningAsRoot
                ? ("/usr/bin/setpriv", ["--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--init-groups"] + master)
                : (master[0], Array(master.dropFirst()))
            return try ChildProcess(program, arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/bin"],
                                    stderr: directory.url("master.stderr"))
        }, failure: { _ in
            let log = (try? String(contentsOfFile: directory.url("master.stderr"), encoding: .utf8)) ?? ""
            return MessageFailure("cyrus master did not start listening; its stderr:\n\(log)")
        })
        port = server.ports[0]
        tlsPort = server.ports[1]
    }

    /// Adds a user to the sasldb (the password in clear, from which Cyrus
    /// SASL computes every mechanism's secret).
    public func addUser(_ name: String, password: String) throws {
        let result = try ProgramRunner.run("/usr/sbin/saslpasswd2",
                                           ["-p", "-c", "-f", directory.url("sasldb2"), "-u", "localhost", name],
                                           environment: ["PATH": "/usr/sbin:/usr/bin:/bin"], stdin: password)
        guard result.status == 0 else { throw MessageFailure("saslpasswd2 failed: \(result)") }
        chown(directory.url("sasldb2"), owner.uid, owner.gid)
    }

    public func stop() {
        server.stop()
    }

    /// `pop3d`: installed, or else unpacked from `cyrus-pop3d`, which
    /// conflicts with `dovecot-pop3d` (both provide `pop3-server`); the
    /// rest of cyrus comes with `cyrus-common`.
    static let pop3d = Result { () throws(MessageFailure) -> String in
        let installed = "/usr/lib/cyrus/bin/pop3d"
        if FileManager.default.isExecutableFile(atPath: installed) { return installed }
        let remedy = "install cyrus-common and sasl2-bin (Scripts/install-deps), with `apt-get download cyrus-pop3d` working"
        let unpacked = try UnpackedPackage.folder(of: "cyrus-pop3d", remedy: remedy) + installed
        guard FileManager.default.isExecutableFile(atPath: unpacked) else {
            throw MessageFailure("\(unpacked) is missing from the unpacked cyrus-pop3d; \(remedy)")
        }
        return unpacked
    }

    deinit {
        stop()
    }

    private static func chownTree(_ path: String, to owner: (uid: uid_t, gid: gid_t)) throws {
        chown(path, owner.uid, owner.gid)
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return }
        for case let relative as String in enumerator {
            chown(path + "/" + relative, owner.uid, owner.gid)
        }
    }
}
