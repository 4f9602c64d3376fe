import Testing
import TestSupport
@testable import POP3Core

@Suite struct RealServerTests {
    static let login = "\n--> USER joe\n<-- +OK\n--> PASS pw\n<-- +OK\n--> QUIT\n<-- +OK"

    @Test(arguments: RealServerGreetings.all)
    func opensAndLogsIn(_ fixture: RealServerGreetings.Fixture) throws {
        let script = fixture.transcript + Self.login
        var results: [Capabilities] = []
        for chunk in [Int.max] + Array(1...24) {
            let transport = ScriptedTransport(script, chunkSize: chunk)
            let session = makeSession(testAccount(), transport)
            try session.runAuthOnly()
            #expect(transport.finished)
            results.append(session.capabilities)
        }
        #expect(results.allSatisfy { $0 == results[0] }, "the chunk size changed the result")
        let caps = try #require(results.first)
        switch fixture.name {
        case "dovecot":
            #expect(!caps.apop && caps.stls && caps.pipelining && caps.saslMechanisms.count == 6)
        case "mailutils":
            #expect(caps.apop && caps.stls && caps.expireNever && caps.saslMechanisms.isEmpty)
        case "popa3d":
            #expect(!caps.capa && !caps.apop && caps.user)
        case "solid-pop3d":
            #expect(!caps.capa && caps.apop)
        case "courier":
            #expect(caps.loginDelay == 10 && caps.implementation == "Courier Mail Server")
            #expect(caps.saslMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5"])
        case "cyrus":
            #expect(caps.expireNever && caps.loginDelay == 0 && caps.apop)
            #expect(caps.saslMechanisms.isSuperset(of: ["SCRAM-SHA-1", "SCRAM-SHA-256", "DIGEST-MD5"]))
        default:
            Issue.record("unknown fixture")
        }
    }
}
