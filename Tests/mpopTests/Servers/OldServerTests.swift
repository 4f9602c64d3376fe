import Foundation
import Testing
import TestSupport

/// Ours and the reference mpop against each emulated old server: the same
/// `--serverinfo` text, the same `--auth-only` outcomes, the same delivered
/// bytes. Each run gets its own server, so that both see the same mailbox.
@Suite struct OldServerTests {
    static let messages: [Data] = [
        SampleMessage.make(index: 1, size: 300),
        Data("Subject: dots\n\n.starts with a dot\n..two\nFrom here\nno final newline".utf8),
        SampleMessage.make(index: 3, size: 9_000),
    ]

    @Test(arguments: OldServerPersonality.allCases)
    func serverInfoMatchesTheReference(personality: OldServerPersonality) throws {
        let home = try TemporaryDirectory()
        for auth in personality.offersAPOP ? ["user", "apop"] : ["user"] {
            let server = try OldServer(personality.dialect)
            defer { server.stop() }
            let arguments = server.arguments("--serverinfo", auth: auth)
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == 0, "\(auth): \(ours)")
            #expect(ours.status == theirs.status)
            #expect(ours.stdout == theirs.stdout, "\(auth)")
            #expect(ours.stderr == theirs.stderr, "\(auth)")
        }
    }

    @Test(arguments: OldServerPersonality.allCases)
    func authOnlyMatchesTheReference(personality: OldServerPersonality) throws {
        let home = try TemporaryDirectory()
        let cases: [(auth: String?, right: Bool, expected: Int32)] = [
            ("user", true, 0), ("user", false, 77),
            ("apop", true, personality.offersAPOP ? 0 : 69), ("apop", false, personality.offersAPOP ? 77 : 69),
            // Without TLS, mpop chooses only SCRAM, which none of them offers.
            (nil, true, 69),
        ]
        for (auth, right, expected) in cases {
            let server = try OldServer(personality.dialect)
            defer { server.stop() }
            let arguments = server.arguments("-A", auth: auth, password: right ? nil : "wrong",
                                             extra: ["--delivery=mbox,/dev/null"])
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            let label = "\(auth ?? "auto") right=\(right)"
            #expect(ours.status == expected, "\(label): \(ours)")
            #expect(ours.status == theirs.status, "\(label): reference \(theirs)")
            #expect(ours.stderr == theirs.stderr, "\(label)")
            #expect(ours.stdout == theirs.stdout, "\(label)")
        }
    }

    @Test(arguments: OldServerPersonality.allCases)
    func retrievalMatchesTheReference(personality: OldServerPersonality) throws {
        var delivered: [[String]] = []
        for binary in [MpopBinary.ours, .reference] {
            let server = try OldServer(personality.dialect, messages: Self.messages)
            defer { server.stop() }
            let home = try TemporaryDirectory()
            let maildir = try home.makeMaildir("Mail")
            let run = try binary.run(server.arguments("-q", auth: "user", extra: ["--delivery=maildir,\(maildir)"]),
                                     home: home.path)
            #expect(run.status == 0, "\(binary.path): \(run)")
            #expect(run.stdout == "" && run.stderr == "", "\(binary.path): \(run)")
            #expect(server.remaining.isEmpty, "\(binary.path) left messages on the server")
            delivered.append(try Self.messages(in: maildir))
        }
        #expect(delivered[0].count == Self.messages.count)
        #expect(delivered[0] == delivered[1])
    }

    @Test(arguments: OldServerPersonality.allCases)
    func statusMatchesTheReference(personality: OldServerPersonality) throws {
        let home = try TemporaryDirectory()
        let server = try OldServer(personality.dialect, messages: Self.messages)
        defer { server.stop() }
        let arguments = server.arguments("-s", auth: "user", extra: ["--delivery=mbox,/dev/null"])
        let ours = try MpopBinary.ours.run(arguments, home: home.path)
        let theirs = try MpopBinary.reference.run(arguments, home: home.path)
        #expect(ours.status == 0, "\(ours)")
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.stderr == theirs.stderr)
        #expect(server.remaining.count == Self.messages.count)
    }

    /// STLS answered `-ERR` (qpopper without TLS configured; a server
    /// without CAPA, where mpop tries STLS anyway): exit 76, no plain text.
    @Test(arguments: [OldServerPersonality.qpopper, .noCapa])
    func refusedSTLSFailsLikeTheReference(personality: OldServerPersonality) throws {
        let home = try TemporaryDirectory()
        for mode in ["-A", "--serverinfo"] {
            let server = try OldServer(personality.dialect)
            defer { server.stop() }
            let arguments = server.arguments(mode, auth: "user", extra: ["--tls", "--delivery=mbox,/dev/null"])
            let ours = try MpopBinary.ours.run(arguments, home: home.path)
            let theirs = try MpopBinary.reference.run(arguments, home: home.path)
            #expect(ours.status == 76, "\(mode): \(ours)")
            #expect(ours.status == theirs.status)
            #expect(ours.stderr.hasPrefix("mpop: command STLS failed\n"), "\(ours)")
            #expect(ours.stderr == theirs.stderr)
            #expect(!server.receivedLines.contains { $0.hasPrefix("USER") || $0.hasPrefix("PASS") })
        }
    }

    /// The delivered messages of a maildir, sorted, Received lines blanked.
    static func messages(in maildir: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir + "/new")
        return try names.map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: maildir + "/new/" + name))
            return SideBySide.normalized(String(decoding: data, as: UTF8.self))
        }.sorted()
    }
}
