import Foundation
import Testing
import TestSupport

/// A server without UIDL (CAPA lists none, as some old servers): every
/// message is new on every run, so with `keep on` everything is delivered
/// again each time, and no list for the server stays in the UIDLs file.
@Suite struct NoUIDLServerTests {
    static let transcript = """
        <-- +OK old server ready
        --> CAPA
        <-- +OK
        <-- USER
        <-- TOP
        <-- .
        --> USER joe
        <-- +OK
        --> PASS secret
        <-- +OK
        --> CAPA
        <-- +OK
        <-- USER
        <-- TOP
        <-- .
        --> STAT
        <-- +OK 2 120
        --> LIST
        <-- +OK
        <-- 1 60
        <-- 2 60
        <-- .
        --> RETR 1
        <-- +OK
        <-- Subject: one
        <-- Message-ID: <nouidl-1@example.org>
        <--
        <-- first body
        <-- .
        --> RETR 2
        <-- +OK
        <-- Subject: two
        <-- Message-ID: <nouidl-2@example.org>
        <--
        <-- second body
        <-- .
        --> QUIT
        <-- +OK bye
        """

    @Test(arguments: [MpopBinary.ours, MpopBinary.reference])
    func everythingIsNewEveryRun(_ binary: MpopBinary) throws {
        let home = try TemporaryDirectory(prefix: "mpop-nouidl")
        let maildir = try home.makeMaildir("Mail")
        var commands: [[String]] = []
        for _ in 0..<2 {
            let server = try ScriptedServer(Self.transcript)
            try home.write(".mpoprc", """
                account test
                host 127.0.0.1
                port \(server.port)
                tls off
                user joe
                passwordeval echo secret
                auth user
                keep on
                delivery maildir \(maildir)

                """)
            let result = try binary.run(["-q", "test"], home: home.path, timeout: 30)
            #expect(result.status == 0, "\(binary.path): \(result)")
            #expect(server.finish().isEmpty, "\(binary.path): \(server.finish())")
            commands.append(server.receivedLines)
        }
        #expect(commands[0] == commands[1])
        #expect(!commands[0].contains { $0.hasPrefix("UIDL") })
        let ids = MailLedger.messageIDs(inMaildir: maildir).sorted()
        #expect(ids == ["<nouidl-1@example.org>", "<nouidl-1@example.org>",
                        "<nouidl-2@example.org>", "<nouidl-2@example.org>"])
        let uidls = (try? String(contentsOfFile: home.url(".mpop_uidls/joe_at_127.0.0.1"), encoding: .utf8)) ?? ""
        #expect(!uidls.contains("127.0.0.1"), "\(uidls)")
    }
}
