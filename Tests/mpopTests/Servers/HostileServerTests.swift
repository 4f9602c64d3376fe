import Foundation
import Testing
import TestSupport

/// Servers that try to trick or exhaust the client: data injected after
/// the STLS `+OK`, STLS missing while TLS is required, a line that never
/// ends.
@Suite struct HostileServerTests {
    /// `+OK\r\n+OK injected\r\n` in one write: the second line arrived in
    /// plain text and must not be taken as TLS-protected.
    @Test func dataInjectedAfterTheSTLSReplyIsRefused() throws {
        let home = try TemporaryDirectory()
        var dialect = QpopperPersonality.dialect
        dialect.stls = .injectAfterOK
        for mode in ["-A", "--serverinfo"] {
            var results: [RunResult] = []
            for binary in [MpopBinary.ours, .reference] {
                let server = try OldServer(dialect)
                defer { server.stop() }
                let arguments = server.arguments(mode, auth: "user", extra: ["--tls", "--delivery=mbox,/dev/null"])
                results.append(try binary.run(arguments, home: home.path))
                #expect(!server.receivedLines.contains { $0.hasPrefix("USER") || $0.hasPrefix("PASS") })
            }
            let (ours, theirs) = (results[0], results[1])
            #expect(ours.status == 76, "\(mode): \(ours)")
            #expect(ours.stderr.hasPrefix("mpop: command STLS failed\n"), "\(ours)")
            #expect(!ours.stderr.contains("injected"))
            #expect(ours.status == theirs.status)
            #expect(ours.stderr == theirs.stderr)
        }
    }

    /// `tls on` and a CAPA without STLS: refused, never plain text.
    @Test func missingSTLSIsRefusedWithoutFallingBackToPlainText() throws {
        let home = try TemporaryDirectory()
        for mode in ["-A", "--serverinfo", "-q"] {
            var results: [RunResult] = []
            for binary in [MpopBinary.ours, .reference] {
                let server = try OldServer(MpopdLikePersonality.dialect, messages: OldServerTests.messages)
                defer { server.stop() }
                let arguments = server.arguments(mode, auth: "user", extra: ["--tls", "--delivery=mbox,/dev/null"])
                results.append(try binary.run(arguments, home: home.path))
                #expect(server.receivedLines.filter { $0 != "QUIT" } == ["CAPA"], "\(binary.path) \(mode)")
                #expect(server.remaining.count == OldServerTests.messages.count)
            }
            let (ours, theirs) = (results[0], results[1])
            #expect(ours.status == 69, "\(mode): \(ours)")
            #expect(ours.stderr.hasPrefix("mpop: the POP3 server does not support TLS via the STLS command\n"), "\(ours)")
            #expect(ours.status == theirs.status)
            #expect(ours.stderr == theirs.stderr)
        }
    }

    /// An endless line in the greeting, in a CAPA list or as a reply: a
    /// protocol error (76) soon, with the peak memory small.
    @Test(arguments: [EndlessLineResponder.Place.greeting, .capaLine, .userReply])
    func endlessLineIsAProtocolErrorInBoundedMemory(place: EndlessLineResponder.Place) throws {
        let server = try ResponderServer { EndlessLineResponder(place: place) }
        defer { server.stop() }
        try Prerequisites.requireReferenceMpop()
        let home = try TemporaryDirectory()
        let arguments = ["-A", "--host=127.0.0.1", "--port=\(server.port)", "--user=joe", "--auth=user",
                         "--passwordeval=echo secret", "--delivery=mbox,/dev/null"]
        let measured = try MemoryMeasurement.run(.ours, arguments, home: home)
        #expect(!measured.result.timedOut, "\(place): \(measured.result)")
        #expect(measured.result.status == 76, "\(place): \(measured.result)")
        #expect(measured.result.stderr.hasPrefix("mpop: "), "\(place): \(measured.result)")
        #expect(measured.result.stderr.count < 2_000, "\(place): the error repeats the endless line")
        #expect(measured.peakKiB < 32 * 1024, "\(place): peak RSS \(measured.peakKiB) KiB")
        // The reference also exits 76, some times with the less telling
        // "POP3 server sent an invalid reply".
        let reference = try MemoryMeasurement.run(.reference, arguments, home: home)
        #expect(reference.result.status == measured.result.status, "\(place): reference \(reference.result)")
    }
}
