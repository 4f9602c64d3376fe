import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// The scripted server others use for end-to-end tests behaves as its
/// documentation says.
@Suite struct ScriptedServerTests {
    @Test func followsTheScriptAcrossTwoConnections() throws {
        let server = try ScriptedServer("""
        <-- +OK one
        --> CAPA
        <-- -ERR
        !! accept
        <-- +OK two
        --> *
        <-! garbage without end
        !! drop
        """)
        let first = try LoopbackTransport(port: server.port)
        let reader = LineReader(transport: first)
        #expect(try reader.readLine().map { String(decoding: $0, as: UTF8.self) } == "+OK one")
        try Array("CAPA\r\n".utf8).withUnsafeBytes { try first.write($0) }
        #expect(try reader.readLine().map { String(decoding: $0, as: UTF8.self) } == "-ERR")
        first.close()

        let second = try LoopbackTransport(port: server.port)
        let reader2 = LineReader(transport: second)
        #expect(try reader2.readLine().map { String(decoding: $0, as: UTF8.self) } == "+OK two")
        try Array("NOOP\r\n".utf8).withUnsafeBytes { try second.write($0) }
        #expect(throws: POP3Error.invalidReply(serverMessage: nil)) { _ = try reader2.readLine() }
        second.close()
        #expect(server.finish() == [])
        #expect(server.receivedLines == ["CAPA", "NOOP"])
    }

    @Test func reportsADeviation() throws {
        let server = try ScriptedServer("<-- +OK\n--> CAPA\n<-- +OK", readTimeout: 5)
        let client = try LoopbackTransport(port: server.port)
        try Array("STAT\r\n".utf8).withUnsafeBytes { try client.write($0) }
        let problems = server.finish()
        client.close()
        #expect(problems == ["expected CAPA, got STAT"])
    }
}
