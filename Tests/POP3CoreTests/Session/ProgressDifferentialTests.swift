import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// Our progress percentages equal the reference mpop's on the same dialogue,
/// including the dot-stuffing off-by-one and the CRLF switch after the first
/// message.
@Suite struct ProgressDifferentialTests {
    static func script() -> String {
        var lines = ["<-- +OK ready", "--> CAPA", "<-- -ERR", "--> USER joe", "<-- +OK", "--> PASS pw", "<-- +OK",
                     "--> STAT", "<-- +OK 2 400", "--> LIST", "<-- +OK", "<-- 1 180", "<-- 2 220", "<-- .",
                     "--> UIDL", "<-- +OK", "<-- 1 a", "<-- 2 b", "<-- ."]
        for (n, count) in [(1, 12), (2, 14)] {
            lines.append("--> RETR \(n)")
            lines.append("<-- +OK")
            lines.append("<-- Subject: m\(n)")
            lines.append("<--")
            for i in 0..<count { lines.append(i % 3 == 0 ? "<-- ..dotted \(i)" : "<-- line \(i) of text") }
            lines.append("<-- .")
        }
        lines += ["--> DELE 1", "<-- +OK", "--> DELE 2", "<-- +OK", "--> QUIT", "<-- +OK"]
        return lines.joined(separator: "\n")
    }

    /// The percentages in mpop's progress byte stream, per message.
    static func percentages(in output: String) -> [[Int]] {
        output.split(separator: "\n").filter { $0.hasPrefix("retrieving") }.map { line in
            line.split(separator: "\u{8}").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                .filter { $0 > 0 && $0 < 100 }
        }
    }

    @Test func sameAsReference() throws {
        let home = try TemporaryDirectory(prefix: "mpop-progress")
        let server = try ScriptedServer(Self.script())
        let rc = try referenceConfiguration(in: home, port: server.port)
        let result = try MpopBinary.reference.run(["-C", rc], home: home.path)
        #expect(server.finish() == [], "\(result)")
        let expected = Self.percentages(in: result.stdout)
        #expect(expected.count == 2, "\(result)")

        let run = RetrievalHarness(Self.script(), account: testAccount { $0.pipelining = .off }).run()
        #expect(run.error == nil)
        var ours: [[Int]] = []
        for line in run.observer.lines {
            if line.hasPrefix("start") { ours.append([]) }
            if line.hasSuffix("%"), let value = Int(line.dropLast()) { ours[ours.count - 1].append(value) }
        }
        #expect(ours == expected)
    }
}
