import Foundation
import POP3Core
import Testing
import TestSupport

/// Our connection errors next to what Debian's mpop prints for the same
/// settings in `--serverinfo` mode.
@Suite struct NetworkErrorReferenceTests {
    private func reference(_ arguments: [String]) throws -> (explanation: String, status: Int32) {
        let home = try TemporaryDirectory(prefix: "mpop-ref-home")
        let result = try MpopBinary.reference.run(["--serverinfo"] + arguments, home: home.path, timeout: 30)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        return (first.hasPrefix("mpop: ") ? String(first.dropFirst(6)) : first, result.status)
    }

    private func compare(_ ours: NetworkError?, _ arguments: [String],
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let theirs = try reference(arguments)
        #expect(ours?.explanation == theirs.explanation, sourceLocation: sourceLocation)
        #expect(ours?.exitStatus.rawValue == theirs.status, sourceLocation: sourceLocation)
    }

    @Test func refusedConnection() throws {
        let port = try FreePort.next()
        try compare(networkError { try Connector().connect(host: "127.0.0.1", port: port, timeoutSeconds: 10) },
                    ["--host=127.0.0.1", "--port=\(port)"])
    }

    @Test func unknownHost() throws {
        try compare(networkError { try Connector().connect(host: "nonexistent.invalid", port: 110, timeoutSeconds: 10) },
                    ["--host=nonexistent.invalid"])
    }

    @Test func unassignedSourceAddress() throws {
        let port = try FreePort.next()
        try compare(networkError {
            try Connector().connect(host: "127.0.0.1", port: port, sourceIP: "192.0.2.1", timeoutSeconds: 10)
        }, ["--host=127.0.0.1", "--port=\(port)", "--source-ip=192.0.2.1"])
    }

    @Test func missingUnixSocket() throws {
        try compare(networkError { try Connector().connect(socketPath: "/nonexistent/pop3.sock", timeoutSeconds: 10) },
                    ["--host=localhost", "--socket=/nonexistent/pop3.sock"])
    }

    @Test func unreachableProxy() throws {
        let port = try FreePort.next()
        try compare(networkError {
            try Connector().connect(host: "mail.example", port: 110, proxyHost: "127.0.0.1", proxyPort: port,
                                    timeoutSeconds: 10)
        }, ["--host=mail.example", "--proxy-host=127.0.0.1", "--proxy-port=\(port)"])
    }
}
