import Foundation

/// The Debian package's `mpopd`: a minimal maildir POP3 server on
/// 127.0.0.1, used as a second real peer. It offers USER and UIDL, no TLS.
public final class MpopdServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    public let mailbox: ServerMailbox
    public let user: String
    public let password: String
    private let server: ServerProcess

    public init(user: String = "joe", password: String = "secret") throws {
        try Prerequisites.requireMpopd()
        directory = try TemporaryDirectory(prefix: "mpop-mpopd")
        let mailbox = ServerMailbox(maildir: try directory.makeMaildir("maildir"))
        self.mailbox = mailbox
        self.user = user
        self.password = password
        server = try ServerProcess(launch: { ports in
            try ChildProcess("/usr/bin/mpopd",
                             ["--port=\(ports[0])", "--auth=\(user),echo \(password)", "--maildir=\(mailbox.maildir)"],
                             environment: ["PATH": "/usr/bin:/bin"])
        }, failure: { ports in
            MessageFailure("mpopd did not start listening on port \(ports[0])")
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
}
