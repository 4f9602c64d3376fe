import Foundation

/// A real dovecot POP3 server on 127.0.0.1, with its own configuration and
/// base directory in a temporary directory (the system's dovecot setup is
/// never touched), users in a passwd-file, maildir storage, and a
/// certificate from a throwaway CA.
///
/// `port` speaks plain POP3 with STLS; `tlsPort` is implicit TLS (POP3S).
/// The SASL mechanisms PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1
/// SCRAM-SHA-256 and APOP are enabled. ``stop()`` (or `deinit`) ends it.
public final class DovecotServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let ca: ThrowawayCA
    public let port: Int
    public let tlsPort: Int
    private let server: ServerProcess
    private let passwdFile: String
    private let mailUID: uid_t
    private let mailGID: gid_t

    /// Starts dovecot; `certificate` replaces the default one for `localhost`
    /// (for tests of expired or wrong-host certificates).
    public init(ca: ThrowawayCA? = nil, certificate: ThrowawayCA.Issued? = nil,
                extraConfiguration: String = "") throws {
        try Prerequisites.requireDovecot()
        self.ca = try ca ?? ThrowawayCA()
        let issued = try certificate ?? self.ca.issueServerCertificate(name: "dovecot-server")
        let directory = try TemporaryDirectory(prefix: "mpop-dovecot")
        self.directory = directory
        // dovecot's processes must reach these files after dropping privileges.
        chmod(directory.path, 0o755)
        let passwdFile = try directory.write("passwd", "", mode: 0o644)
        self.passwdFile = passwdFile
        let certFile = try directory.write("server.pem", try String(contentsOfFile: issued.certificateFile, encoding: .utf8))
        let keyFile = try directory.write("server.key", try String(contentsOfFile: issued.keyFile, encoding: .utf8))

        let runningAsRoot = geteuid() == 0
        var userLines = ""
        if runningAsRoot {
            // Mail processes may not run as root: use nobody.
            mailUID = 65534
            mailGID = 65534
        } else {
            mailUID = getuid()
            mailGID = getgid()
            let name = String(cString: getpwuid(getuid())!.pointee.pw_name)
            // The internal group too: dovecot gives its stats and dict
            // sockets to it, and only root can give them to group dovecot.
            let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
            userLines = "default_login_user = \(name)\ndefault_internal_user = \(name)\n"
                + "default_internal_group = \(group)\n"
        }

        server = try ServerProcess(portCount: 2, launch: { ports in
            let (plain, secure) = (ports[0], ports[1])
            let configuration = """
                base_dir = \(directory.url("run"))
                state_dir = \(directory.url("state"))
                log_path = \(directory.url("dovecot.log"))
                \(userLines)protocols = pop3
                listen = 127.0.0.1
                ssl = yes
                ssl_cert = <\(certFile)
                ssl_key = <\(keyFile)
                disable_plaintext_auth = no
                auth_mechanisms = plain login cram-md5 digest-md5 scram-sha-1 scram-sha-256 apop
                auth_failure_delay = 0
                first_valid_uid = 1
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN \(passwdFile)
                }
                userdb {
                  driver = passwd-file
                  args = \(passwdFile)
                }
                mail_location = maildir:~
                pop3_uidl_format = %08Xu%08Xv
                service pop3-login {
                  inet_listener pop3 {
                    address = 127.0.0.1
                    port = \(plain)
                  }
                  inet_listener pop3s {
                    address = 127.0.0.1
                    port = \(secure)
                    ssl = yes
                  }
                }
                service anvil {
                  chroot =
                }
                service pop3-login {
                  chroot =
                }
                \(extraConfiguration)

                """
            let configFile = try directory.write("dovecot.conf", configuration, mode: 0o644)
            return try ChildProcess("/usr/sbin/dovecot", ["-F", "-c", configFile],
                                    environment: ["PATH": "/usr/sbin:/usr/bin:/bin"],
                                    stderr: directory.url("dovecot.stderr"))
        }, failure: { _ in
            let log = (try? String(contentsOfFile: directory.url("dovecot.log"), encoding: .utf8)) ?? ""
            return MessageFailure("dovecot did not start listening; its log:\n\(log)")
        })
        port = server.ports[0]
        tlsPort = server.ports[1]
    }

    /// Adds a user with an empty maildir and returns the mailbox.
    /// - Parameter scheme: how the passwd-file stores the password: `PLAIN`
    ///   (from which dovecot can do every mechanism), or a `doveadm pw`
    ///   scheme such as `SCRAM-SHA-256` (SCRAM-SHA-256 and PLAIN only) or
    ///   `SHA512-CRYPT` (PLAIN and LOGIN only, though SCRAM is announced).
    public func addUser(_ name: String, password: String, scheme: String = "PLAIN") throws -> ServerMailbox {
        var stored = "{PLAIN}\(password)"
        if scheme != "PLAIN" {
            let result = try ProgramRunner.run("/usr/bin/doveadm", ["pw", "-s", scheme, "-p", password],
                                               environment: ["PATH": "/usr/sbin:/usr/bin:/bin"])
            guard result.status == 0 else { throw MessageFailure("doveadm pw failed: \(result)") }
            stored = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let home = try directory.makeMaildir("mail/\(name)")
        chmod(directory.url("mail"), 0o755)
        for path in [home, home + "/cur", home + "/new", home + "/tmp"] {
            chown(path, mailUID, mailGID)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: passwdFile))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(name):\(stored):\(mailUID):\(mailGID)::\(home)::\n".utf8))
        try handle.close()
        // dovecot looks at the passwd-file at most once a second (on its
        // clock's whole seconds): a login in the second of an earlier lookup
        // would not see the new user yet. Wait for the next second.
        let now = Date().timeIntervalSince1970
        usleep(useconds_t((now.rounded(.down) + 1.05 - now) * 1_000_000))
        return ServerMailbox(maildir: home, owner: (mailUID, mailGID))
    }

    /// The master process, whose children serve the sessions.
    public var masterPID: pid_t { server.process.pid }

    /// dovecot's log, for failure messages.
    public var log: String {
        (try? String(contentsOfFile: directory.url("dovecot.log"), encoding: .utf8)) ?? ""
    }

    public func stop() {
        server.stop()
    }

    /// Ends the server before its directory is removed.
    deinit {
        stop()
    }
}
