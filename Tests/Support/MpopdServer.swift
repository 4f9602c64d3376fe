import Foundation

/// The Debian package's `mpopd`: a minimal maildir POP3 server on
/// 127.0.0.1, used as a second real peer. It offers USER and UIDL, no TLS.
public final class MpopdServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: Int
    public let mailbox: ServerMailbox
    public let user: String
    public let password: String
    private let process: ChildProcess
    private var stopped = false

    public init(user: String = "joe", password: String = "secret") throws {
        try Prerequisites.requireMpopd()
        directory = try TemporaryDirectory(prefix: "mpop-mpopd")
        mailbox = ServerMailbox(maildir: try directory.makeMaildir("maildir"))
        self.user = user
        self.password = password
        var lastPort = 0
        for _ in 0..<5 {
            let port = try FreePort.next()
            lastPort = port
            let process = try ChildProcess("/usr/bin/mpopd",
                                           ["--port=\(port)", "--auth=\(user),echo \(password)",
                                            "--maildir=\(mailbox.maildir)"],
                                           environment: ["PATH": "/usr/bin:/bin"])
            if FreePort.waitUntilListening(port) {
                self.process = process
                self.port = port
                return
            }
            process.terminate()
        }
        throw MessageFailure("mpopd did not start listening on port \(lastPort)")
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        process.terminate()
    }

    deinit {
        stop()
    }
}
