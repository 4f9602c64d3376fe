import Foundation
import POP3Core
import Testing
import TestSupport

@Suite struct SOCKS5Tests {
    /// A proxy that checks the client's requests and then answers `status`.
    private func proxy(status: UInt8, boundAddress: [UInt8] = [0x01, 127, 0, 0, 1]) throws -> ScriptedListener {
        try ScriptedListener { connection, listener in
            listener.note(ScriptedListener.receive(connection, 3).map { String($0) }.joined(separator: " "))
            ScriptedListener.send(connection, [0x05, 0x00])
            let head = ScriptedListener.receive(connection, 5)
            listener.note(head.map { String($0) }.joined(separator: " "))
            let rest = ScriptedListener.receive(connection, Int(head.last ?? 0) + 2)
            listener.note(String(decoding: rest.dropLast(2), as: UTF8.self))
            listener.note(String(Int(rest[rest.count - 2]) << 8 | Int(rest[rest.count - 1])))
            ScriptedListener.send(connection, [0x05, status, 0x00] + boundAddress + [0x00, 0x6e])
            if status == 0 {
                ScriptedListener.send(connection, "+OK through the proxy\r\n")
            }
            ScriptedListener.drain(connection)
        }
    }

    @Test func sendsTheHostNameForTheProxyToResolve() throws {
        let listener = try proxy(status: 0x00)
        var account = Account()
        account.host = "pop.example.org"
        account.port = 995
        account.proxyHost = "127.0.0.1"
        account.proxyPort = listener.port
        account.timeout = 10
        let connection = try Connector().connect(account)
        #expect(try readLine(connection.transport) == "+OK through the proxy\r\n")
        #expect(connection.canonicalName == nil)
        #expect(connection.address == nil)
        connection.transport.close()
        #expect(listener.finish() == ["5 1 0", "5 1 0 3 15", "pop.example.org", "995"])
    }

    @Test func acceptsADomainNameAsTheBoundAddress() throws {
        let listener = try proxy(status: 0x00, boundAddress: [0x03, 4] + Array("prox".utf8))
        let connection = try Connector().connect(host: "mail.example", port: 110, proxyHost: "127.0.0.1",
                                                 proxyPort: listener.port, timeoutSeconds: 10)
        #expect(try readLine(connection.transport) == "+OK through the proxy\r\n")
        connection.transport.close()
        _ = listener.finish()
    }

    @Test func refusalIsAProxyFailure() throws {
        let listener = try proxy(status: 0x05)
        let error = networkError {
            try Connector().connect(host: "mail.example", port: 110, proxyHost: "127.0.0.1",
                                    proxyPort: listener.port, timeoutSeconds: 10)
        }
        #expect(error?.explanation == "proxy failure: connection refused")
        #expect(error?.exitStatus == .unavailable)
        _ = listener.finish()
    }

    /// Debian's mpop sends the same requests and reports the same refusal.
    @Test func mpopSendsAndReportsTheSame() throws {
        let ours = try proxy(status: 0x05)
        let ourError = networkError {
            try Connector().connect(host: "pop.example.org", port: 995, proxyHost: "127.0.0.1",
                                    proxyPort: ours.port, timeoutSeconds: 10)
        }
        let ourRequests = ours.finish()

        let theirs = try proxy(status: 0x05)
        let home = try TemporaryDirectory(prefix: "mpop-ref-home")
        let result = try MpopBinary.reference.run(
            ["--serverinfo", "--host=pop.example.org", "--port=995", "--proxy-host=127.0.0.1",
             "--proxy-port=\(theirs.port)"], home: home.path, timeout: 30)
        #expect(theirs.finish() == ourRequests)
        #expect(result.stderr == "mpop: \(ourError?.explanation ?? "")\n")
        #expect(result.status == ourError?.exitStatus.rawValue)
    }

    @Test func aServerThatIsNotSOCKS5IsAProxyFailure() throws {
        let listener = try ScriptedListener { connection, _ in
            _ = ScriptedListener.receive(connection, 3)
            ScriptedListener.send(connection, "+OK")
            ScriptedListener.drain(connection)
        }
        let error = networkError {
            try Connector().connect(host: "mail.example", port: 110, proxyHost: "127.0.0.1",
                                    proxyPort: listener.port, timeoutSeconds: 10)
        }
        #expect(error?.explanation == "proxy failure: unexpected reply")
        _ = listener.finish()
    }

    @Test func overlongHostNameIsRefusedBeforeSending() throws {
        let listener = try ScriptedListener { connection, _ in ScriptedListener.drain(connection) }
        let error = networkError {
            try Connector().connect(host: String(repeating: "a", count: 256), port: 110, proxyHost: "127.0.0.1",
                                    proxyPort: listener.port, timeoutSeconds: 10)
        }
        #expect(error?.explanation == "proxy failure: host name too long")
        _ = listener.finish()
    }

    @Test func unreachableProxyIsReportedForTheProxy() throws {
        let port = try FreePort.next()
        let error = networkError {
            try Connector().connect(host: "mail.example", port: 110, proxyHost: "127.0.0.1",
                                    proxyPort: port, timeoutSeconds: 10)
        }
        #expect(error?.explanation == "cannot connect to 127.0.0.1, port \(port): Connection refused")
    }
}
