import Foundation
import POP3Core
import TLSGnu
import Testing
import TestSupport

/// TLS against a real dovecot, implicit (POP3S) and after STLS.
@Suite struct GnuTLSTransportTests {
    @Test func readsTheGreetingOverImplicitTLS() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let tls = try implicitTLS(server, trusting(server))
        defer { tls.close() }
        #expect(try readLine(tls).hasPrefix("+OK"))
        #expect(tls.sessionDescription?.hasPrefix("(TLS1.3)-") == true)
        let certificate = try #require(tls.peerCertificate)
        #expect(certificate.subject == "CN=localhost")
        #expect(certificate.issuer == "CN=mpop throwaway test CA")
        #expect(certificate.sha256Fingerprint.count == 32)
        #expect(certificate.sha1Fingerprint.count == 20)
        #expect(certificate.activationTime < certificate.expirationTime)
        #expect(tls.channelBinding(.tlsExporter)?.count == 32)
        // tls-unique is undefined for TLS 1.3 (RFC 9266).
        #expect(tls.channelBinding(.tlsUnique) == nil)
        // What SCRAM-*-PLUS gets: tls-exporter, the kind for TLS 1.3.
        #expect(tls.isTLS13OrNewer)
        #expect(tls.sessionChannelBinding?.kind == .tlsExporter)
        #expect(tls.sessionChannelBinding?.data == tls.channelBinding(.tlsExporter))
    }

    @Test func startsTLSAfterSTLSAndReadsCAPA() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let plain = try plainConnection(to: server.port)
        #expect(try readLine(plain).hasPrefix("+OK"))
        try write(plain, "STLS\r\n")
        #expect(try readLine(plain).hasPrefix("+OK"))
        let tls = try GnuTLSStarter().startTLS(over: plain, settings: trusting(server))
        defer { tls.close() }
        try write(tls, "CAPA\r\n")
        var lines: [String] = []
        repeat {
            lines.append(try readLine(tls))
        } while lines.last != ".\r\n" && lines.last != ""
        #expect(lines.first?.hasPrefix("+OK") == true)
        #expect(lines.contains("USER\r\n"))
        #expect(lines.last == ".\r\n")
        // dovecot advertises STLS only before TLS is active.
        #expect(!lines.contains("STLS\r\n"))
    }

    @Test func tls12OffersTLSUnique() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        var settings = trusting(server)
        settings.priorities = "NORMAL:-VERS-ALL:+VERS-TLS1.2"
        let tls = try implicitTLS(server, settings)
        defer { tls.close() }
        #expect(try readLine(tls).hasPrefix("+OK"))
        #expect(tls.sessionDescription?.hasPrefix("(TLS1.2)-") == true)
        #expect(tls.channelBinding(.tlsUnique)?.isEmpty == false)
        #expect(!tls.isTLS13OrNewer)
        #expect(tls.sessionChannelBinding?.kind == .tlsUnique)
        #expect(tls.sessionChannelBinding?.data == tls.channelBinding(.tlsUnique))
    }

    @Test func presentsAClientCertificate() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let client = try server.ca.issueServerCertificate(name: "client", hostName: "client.example")
        var settings = trusting(server)
        settings.keyFile = client.keyFile
        settings.certFile = client.certificateFile
        settings.pin = Secret("unused for a file key")
        let tls = try implicitTLS(server, settings)
        defer { tls.close() }
        #expect(try readLine(tls).hasPrefix("+OK"))
    }

    @Test func failedStartLeavesTheSocketToTheCaller() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let plain = try plainConnection(to: server.tlsPort)
        let stranger = try ThrowawayCA()
        let error = reportableError {
            try GnuTLSStarter().startTLS(over: plain, settings: TLSSettings(serverName: "localhost",
                                                                            trustFile: stranger.certificateFile))
        }
        #expect(error?.exitStatus == .unavailable)
        #expect(fcntl(plain.socketDescriptor, F_GETFD) != -1)
        plain.close()
    }

    @Test func connectsByIPAddressWithTheAddressAsServerName() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let tls = try implicitTLS(server, trusting(server, name: "127.0.0.1"))
        defer { tls.close() }
        #expect(try readLine(tls).hasPrefix("+OK"))
    }

    @Test func sendsQuitAndSeesTheServerClose() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let tls = try implicitTLS(server, trusting(server))
        defer { tls.close() }
        _ = try readLine(tls)
        try write(tls, "QUIT\r\n")
        #expect(try readLine(tls).hasPrefix("+OK"))
        tls.close()
        tls.close()
        #expect(reportableError { try readLine(tls) }?.exitStatus == .ioError)
    }

    /// After the TLS 1.3 handshake dovecot sends session tickets, which make
    /// GnuTLS return E_AGAIN on a blocking socket; that is no timeout, the
    /// real one comes after the account's timeout.
    @Test func silentServerTimesOutAfterTheGreeting() throws {
        let server = try DovecotServer()
        defer { server.stop() }
        let tls = try GnuTLSStarter().startTLS(over: try plainConnection(to: server.tlsPort, timeout: 1),
                                               settings: trusting(server))
        defer { tls.close() }
        #expect(try readLine(tls).hasPrefix("+OK"))
        let error = reportableError { try readLine(tls) }
        #expect(error?.explanation == "network read error: the operation timed out")
        #expect(error?.exitStatus == .ioError)
    }

    @Test func silentServerTimesOutDuringTheHandshake() throws {
        // A listening socket that is never accepted: the kernel completes the
        // TCP handshake, nobody answers the ClientHello.
        let (listener, port) = try Loopback.listen(backlog: 1)
        defer { close(listener) }
        let plain = try plainConnection(to: port, timeout: 1)
        let error = reportableError {
            try GnuTLSStarter().startTLS(over: plain, settings: TLSSettings(serverName: "localhost", certCheck: false))
        }
        #expect(error?.explanation == "network read error: the operation timed out")
        #expect(error?.exitStatus == .ioError)
    }
}
