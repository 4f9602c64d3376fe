import Foundation
import POP3Core
import Testing
import TestSupport

@Suite struct ConnectorTests {
    @Test func readsTheGreetingOverIPv4AndNamesThePeer() throws {
        let listener = try ScriptedListener.greeting("+OK hello\r\n")
        let connection = try Connector().connect(host: "127.0.0.1", port: listener.port, timeoutSeconds: 10)
        #expect(try readLine(connection.transport) == "+OK hello\r\n")
        #expect(connection.address == "127.0.0.1")
        #expect(connection.canonicalName == "localhost")
        connection.transport.close()
        connection.transport.close()
        _ = listener.finish()
    }

    @Test func connectsAsTheAccountSays() throws {
        let listener = try ScriptedListener.greeting("+OK account\r\n")
        var account = Account()
        account.host = "127.0.0.1"
        account.port = listener.port
        account.sourceIP = "127.0.0.1"
        account.timeout = nil
        let connection = try Connector().connect(account)
        #expect(try readLine(connection.transport) == "+OK account\r\n")
        #expect(connection.transport.timeoutSeconds == nil)
        connection.transport.close()
        _ = listener.finish()
    }

    @Test func connectsToIPv6Loopback() throws {
        let listener = try ScriptedListener.greeting("+OK six\r\n", .ipv6)
        let connection = try Connector().connect(host: "::1", port: listener.port, timeoutSeconds: 10)
        #expect(try readLine(connection.transport) == "+OK six\r\n")
        #expect(connection.address == "::1")
        connection.transport.close()
        _ = listener.finish()
    }

    /// `localhost` has an IPv6 and an IPv4 address here; whichever the
    /// resolver prefers, a listener on only one of them is reached.
    @Test func fallsBackToTheNextAddressOfAHost() throws {
        let listener = try ScriptedListener.greeting("+OK four\r\n", .ipv4)
        let connection = try Connector().connect(host: "localhost", port: listener.port, timeoutSeconds: 10)
        #expect(try readLine(connection.transport) == "+OK four\r\n")
        #expect(connection.address == "127.0.0.1")
        connection.transport.close()
        _ = listener.finish()
    }

    @Test func refusedConnectionIsATemporaryFailure() throws {
        let port = try FreePort.next()
        let error = networkError { try Connector().connect(host: "127.0.0.1", port: port, timeoutSeconds: 10) }
        #expect(error?.explanation == "cannot connect to 127.0.0.1, port \(port): Connection refused")
        #expect(error?.exitStatus == .tempFail)
    }

    /// `.invalid` never resolves (RFC 2606).
    @Test func unknownHostIsNoHost() {
        let error = networkError { try Connector().connect(host: "nonexistent.invalid", port: 110, timeoutSeconds: 10) }
        #expect(error?.explanation.hasPrefix("cannot locate host nonexistent.invalid: ") == true)
        #expect(error?.exitStatus == .noHost)
    }

    @Test func unusableSourceAddressIsAnOSError() throws {
        let port = try FreePort.next()
        let error = networkError {
            try Connector().connect(host: "127.0.0.1", port: port, sourceIP: "bogus", timeoutSeconds: 10)
        }
        #expect(error?.explanation == "cannot bind source ip bogus: Invalid argument")
        #expect(error?.exitStatus == .osError)
    }

    @Test func bindsTheSourceAddress() throws {
        let listener = try ScriptedListener { connection, listener in
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(connection, $0, &length) }
            }
            listener.note(String(cString: inet_ntoa(address.sin_addr)))
            ScriptedListener.send(connection, "+OK\r\n")
            ScriptedListener.drain(connection)
        }
        let connection = try Connector().connect(host: "127.0.0.1", port: listener.port, sourceIP: "127.0.0.2",
                                                 timeoutSeconds: 10)
        _ = try readLine(connection.transport)
        connection.transport.close()
        #expect(listener.finish() == ["127.0.0.2"])
    }

    @Test func silentServerTimesOutOnRead() throws {
        let listener = try ScriptedListener { connection, _ in
            ScriptedListener.drain(connection)
        }
        let connection = try Connector().connect(host: "127.0.0.1", port: listener.port, timeoutSeconds: 1)
        let error = networkError { try readLine(connection.transport) }
        #expect(error?.explanation == "network read error: the operation timed out")
        #expect(error?.exitStatus == .ioError)
        connection.transport.close()
        _ = listener.finish()
    }

    @Test func writesReachThePeer() throws {
        let listener = try ScriptedListener { connection, listener in
            listener.note(String(decoding: ScriptedListener.receive(connection, 6), as: UTF8.self))
        }
        let connection = try Connector().connect(host: "127.0.0.1", port: listener.port, timeoutSeconds: 10)
        try write(connection.transport, "CAPA\r\n")
        #expect(listener.finish() == ["CAPA\r\n"])
        connection.transport.close()
        #expect(networkError { try write(connection.transport, "x") }?.exitStatus == .ioError)
    }

    @Test func connectsToAUnixSocket() throws {
        let directory = try TemporaryDirectory(prefix: "mpop-unix")
        let path = directory.url("pop3.sock")
        let listener = try ScriptedListener.greeting("+OK local\r\n", .unix(path))
        var account = Account()
        account.host = "ignored.invalid"
        account.socket = path
        let connection = try Connector().connect(account)
        #expect(try readLine(connection.transport) == "+OK local\r\n")
        #expect(connection.canonicalName == nil)
        #expect(connection.address == nil)
        connection.transport.close()
        _ = listener.finish()
    }

    @Test func missingUnixSocketCannotBeConnected() throws {
        let error = networkError { try Connector().connect(socketPath: "/nonexistent/sock", timeoutSeconds: 10) }
        #expect(error?.explanation == "cannot connect to /nonexistent/sock: No such file or directory")
        #expect(error?.exitStatus == .tempFail)
    }

    @Test func errorTextsFollowMpop() {
        #expect(NetworkError.writeTimedOut.explanation == "network write error: the operation timed out")
        #expect(NetworkError.readFailed(reason: nil).explanation == "network read error")
        #expect(NetworkError.aborted(.transfer).explanation == "operation aborted")
        #expect(NetworkError.aborted(.transfer).exitStatus == .ioError)
        #expect(NetworkError.cannotCreateSocket(reason: "x").exitStatus == .osError)
    }
}

@Suite struct TLSSettingsFromAccountTests {
    @Test func takesTheOverrideNameAndThePasswordAsPIN() {
        var account = Account()
        account.host = "pop.example.org"
        account.tlsHostOverride = "mail.example.org"
        account.password = Secret("1234")
        account.tlsCertCheck = false
        account.tlsPriorities = "NORMAL"
        let settings = TLSSettings(account: account)
        #expect(settings.serverName == "mail.example.org")
        #expect(settings.pin == Secret("1234"))
        #expect(settings.trustFile == "system")
        #expect(!settings.certCheck)
        #expect(settings.priorities == "NORMAL")
    }
}
