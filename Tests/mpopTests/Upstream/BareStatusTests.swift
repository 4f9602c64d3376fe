import Foundation
import Testing
import TestSupport

/// A reply that is only `+` or `-`, or any other line that starts with one
/// of them, is a status, as in mpop 1.4.22 and later (pop3.seznam.cz
/// answers with a bare `+`). mpop 1.4.18 refuses such a line as an invalid
/// reply (exit 76).
@Suite struct BareStatusTests {
    static let accepted = """
        <-- +
        --> CAPA
        <-- -
        --> USER joe
        <-- +
        --> PASS secret
        <-- +welcome
        --> STAT
        <-- +OK 0 0
        --> QUIT
        <-- +
        """

    static let refused = """
        <-- +OK ready
        --> CAPA
        <-- -
        --> USER joe
        <-- +
        --> PASS secret
        <-- -
        """

    static func run(_ binary: MpopBinary, _ transcript: String) throws -> (RunResult, [String]) {
        let home = try TemporaryDirectory(prefix: "mpop-bare")
        let maildir = try home.makeMaildir("Mail")
        let server = try ScriptedServer(transcript)
        let result = try binary.run(["--host=127.0.0.1", "--port=\(server.port)", "--tls=off", "--user=joe",
                                     "--passwordeval=echo secret", "--auth=user", "--delivery=maildir,\(maildir)", "-q"],
                                    home: home.path, timeout: 30)
        return (result, server.finish())
    }

    @Test func bareStatusLinesAreAccepted() throws {
        for binary in [MpopBinary.ours, try .upstream()] {
            let (result, problems) = try Self.run(binary, Self.accepted)
            #expect(result.status == 0, "\(binary.path): \(result)")
            #expect(result.stderr == "", "\(binary.path): \(result)")
            #expect(problems.isEmpty, "\(binary.path): \(problems)")
        }
        let (reference, _) = try Self.run(.reference, Self.accepted)
        #expect(reference.status == 76, "1.4.18 \(reference)")
        #expect(reference.stderr == "mpop: POP3 server sent an invalid reply\nmpop: error during mail retrieval\n",
                "1.4.18 \(reference)")
    }

    @Test func bareMinusRefusesTheLogin() throws {
        for binary in [MpopBinary.ours, try .upstream()] {
            let (result, problems) = try Self.run(binary, Self.refused)
            #expect(result.status == 77, "\(binary.path): \(result)")
            #expect(result.stderr == """
                mpop: authentication failed (method USER)
                mpop: POP3 server message: -
                mpop: error during mail retrieval

                """, "\(binary.path): \(result)")
            #expect(problems.isEmpty, "\(binary.path): \(problems)")
        }
    }
}
