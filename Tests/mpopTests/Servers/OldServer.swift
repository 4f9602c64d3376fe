import Foundation
import TestSupport

/// A loopback POP3 server in the manner of an old server (see the
/// personalities in this folder), serving a fresh copy of `messages`.
/// Connections are served one after the other until ``stop()``.
final class OldServer: @unchecked Sendable {
    let dialect: OldServerDialect
    let maildrop: OldServerMaildrop
    private let server: ResponderServer

    init(_ dialect: OldServerDialect, messages: [Data] = []) throws {
        self.dialect = dialect
        let maildrop = OldServerMaildrop(messages)
        self.maildrop = maildrop
        server = try ResponderServer {
            OldPOP3Session(dialect: dialect, maildrop: maildrop)
        }
    }

    var port: Int { server.port }

    /// The commands clients sent, across all connections.
    var receivedLines: [String] { server.receivedLines }

    /// The messages still on the server.
    var remaining: [Data] { maildrop.current.map { Data($0.text) } }

    func stop() {
        server.stop()
    }

    /// Command-line arguments for `--host` mode against this server.
    func arguments(_ mode: String, auth: String?, password: String? = nil, extra: [String] = []) -> [String] {
        var arguments = [mode, "--host=127.0.0.1", "--port=\(port)", "--user=\(dialect.user)",
                         "--passwordeval=echo \(password ?? dialect.password)"]
        if let auth { arguments.append("--auth=\(auth)") }
        return arguments + extra
    }
}

extension OldServer {
    /// A server of `dialect` whose every connection ends where the
    /// `hangUpAt`-th client line wants a reply (see ``HangUpResponder``).
    static func hangingUp(_ dialect: OldServerDialect, messages: [Data], hangUpAt: Int) throws -> ResponderServer {
        let maildrop = OldServerMaildrop(messages)
        return try ResponderServer {
            HangUpResponder(OldPOP3Session(dialect: dialect, maildrop: maildrop), hangUpAt: hangUpAt)
        }
    }
}
