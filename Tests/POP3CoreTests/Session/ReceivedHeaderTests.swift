import Foundation
import TestSupport
import Testing
@testable import POP3Core

@Suite struct ReceivedHeaderTests {
    @Test func layout() {
        let lines = ReceivedHeader.lines(
            server: ServerIdentity(host: "127.0.0.1", canonicalName: "localhost", address: "127.0.0.1"),
            localCanonicalName: "vm", localUser: "root", time: 1_795_307_061)
        #expect(lines.count == 3)
        #expect(lines[0] == "Received: from 127.0.0.1 (localhost [127.0.0.1])")
        #expect(lines[1] == "\tby vm (mpop-1.4.18) with POP3")
        #expect(lines[2].hasPrefix("\tfor <root>; "))
    }

    @Test func serverDetailVariants() {
        #expect(ServerIdentity(host: "h", canonicalName: "c").hostWithDetails == "h (c)")
        #expect(ServerIdentity(host: "h", address: "::1").hostWithDetails == "h ([::1])")
        #expect(ServerIdentity(host: "h").hostWithDetails == "h")
    }

    @Test func userIsSanitised() {
        #expect(ReceivedHeader.sanitizedUser("we ird$us.er-x_y") == "we-ird_us.er-x_y")
    }

    @Test func dateShape() {
        let date = ReceivedHeader.rfc2822Date(1_795_307_061)
        let parts = date.split(separator: " ")
        #expect(parts.count == 6)
        #expect(["Sat,", "Sun,", "Mon,"].contains(String(parts[0])))
        #expect(parts[1].count == 2 && parts[3] == "2026")
        #expect(parts[4].count == 8)
        #expect(parts[5].count == 5 && (parts[5].hasPrefix("+") || parts[5].hasPrefix("-")))
    }
}

@Suite struct ReceivedHeaderDifferentialTests {
    @Test func sameHeaderAsReferenceMpop() throws {
        let script = Transcript.oneMessageRetrievedAndDeleted
        let home = try TemporaryDirectory(prefix: "mpop-received")
        let server = try ScriptedServer(script)
        let rc = try referenceConfiguration(in: home, port: server.port)
        let result = try MpopBinary.reference.run(["-C", rc, "-q"], home: home.path)
        #expect(server.finish() == [], "\(result)")
        let mbox = try String(contentsOfFile: home.url("mbox"), encoding: .utf8).split(separator: "\n")
        let reference = mbox.dropFirst().prefix(3).map(String.init)

        let ours = try ScriptedServer(script)
        let transport = try LoopbackTransport(port: ours.port)
        let session = POP3Session(account: testAccount { $0.host = "127.0.0.1" }, transport: transport,
                                  tlsStarter: nil, saslProvider: nil, password: { _ in nil })
        var context = ReceivedHeaderContext.local(Environment())
        context.localUser = "mpoptest"
        let lines = ReceivedHeader.lines(server: session.serverIdentity, localCanonicalName: context.localCanonicalName,
                                         localUser: context.localUser, time: 0)
        transport.close()
        _ = ours.finish(timeout: 1)
        #expect(reference.count == 3)
        #expect(lines[0] == reference.first)
        #expect(lines[1] == reference.dropFirst().first)
        #expect(lines[2].hasPrefix("\tfor <mpoptest>; "))
        #expect(reference.last?.hasPrefix("\tfor <mpoptest>; ") == true)
    }
}
