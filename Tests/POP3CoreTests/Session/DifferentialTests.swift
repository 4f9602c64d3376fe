import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// The same scripted server dialogue, played to the reference mpop and to
/// our engine: the commands sent and the exit status must agree.
@Suite struct DifferentialTests {
    struct Scenario: Sendable, CustomStringConvertible {
        let name: String
        let script: String
        let rcLines: [String]
        let configure: @Sendable (inout Account) -> Void
        var arguments: [String] = []
        var filterDecision: FilterDecision?
        /// Where ours deliberately sends more (commands pipelined behind the
        /// login, Docs/Compatibility.md): the script ours gets, and the
        /// lines left out before the comparison.
        var ours: (script: String, extraLines: [String])?
        var description: String { name }
    }

    static let twoListed = """
    --> STAT
    <-- +OK 2 1010
    --> LIST
    <-- +OK
    <-- 1 1000
    <-- 2 10
    <-- .
    --> UIDL
    <-- +OK
    <-- 1 u1
    <-- 2 u2
    <-- .
    """

    /// The replies to two pipelined RETR or TOP commands (`Subject: one`,
    /// `Subject: two`), then both messages deleted, pipelined, and QUIT.
    static let bothRepliedAndDeleted = """
    <-- +OK
    <-- Subject: one
    <--
    <-- .
    <-- +OK
    <-- Subject: two
    <--
    <-- .
    \(bothDeletedPipelined)
    --> QUIT
    <-- +OK
    """

    static let more: [Scenario] = [
        Scenario(name: "status only", script: greetingAndLogin + "\n" + twoListed + "\n--> QUIT\n<-- +OK",
                 rcLines: [], configure: { _ in }, arguments: ["-s"]),
        Scenario(name: "skipsize and keep", script: greetingAndLogin + "\n" + twoListed + """

        --> RETR 2
        <-- +OK
        <-- Subject: small
        <--
        <-- .
        --> QUIT
        <-- +OK
        """, rcLines: ["skipsize 1000", "keep on"], configure: {
            $0.skipSize = 1000
            $0.keep = .on
        }),
        Scenario(name: "filter deletes everything, pipelined TOP", script: """
        <-- +OK ready
        \(pipelinedLogin)
        \(twoListed)

        --> TOP 1 0
        --> TOP 2 0
        \(bothRepliedAndDeleted)
        """, rcLines: ["filter cat >/dev/null; exit 1"], configure: { $0.filter = "x" }, filterDecision: .delete),
        Scenario(name: "pipelining on without CAPA", script: """
        <-- +OK ready
        --> CAPA
        <-- -ERR
        --> USER joe
        --> *
        <-- +OK
        <-- +OK
        """ + "\n" + twoListed + """

        --> RETR 1
        --> RETR 2
        \(bothRepliedAndDeleted)
        """, rcLines: ["pipelining on"], configure: { $0.pipelining = .on }),
    ]

    /// CAPA with USER, UIDL and PIPELINING.
    static let capaWithPipelining = """
    --> CAPA
    <-- +OK
    <-- USER
    <-- UIDL
    <-- PIPELINING
    <-- .
    """

    static let greetingAndLogin = """
    <-- +OK ready
    \(capaWithPipelining)
    --> USER joe
    --> *
    <-- +OK
    <-- +OK
    """

    static let scenarios: [Scenario] = [
        Scenario(name: "empty mailbox", script: greetingAndLogin + """

        --> STAT
        <-- +OK 0 0
        --> QUIT
        <-- +OK
        """, rcLines: [], configure: { _ in }, ours: (greetingAndLogin + """

        --> STAT
        <-- +OK 0 0
        --> LIST
        <-- +OK
        <-- .
        --> UIDL
        <-- +OK
        <-- .
        --> QUIT
        <-- +OK
        """, ["LIST", "UIDL"])),
        Scenario(name: "RETR refused is a late error without QUIT", script: greetingAndLogin + """

        \(Transcript.oneMessageListed())
        --> RETR 1
        <-- -ERR gone
        """, rcLines: [], configure: { _ in }),
        Scenario(name: "killsize deletes without retrieving", script: greetingAndLogin + """

        \(twoListed)
        --> RETR 2
        <-- +OK
        <-- Subject: small
        <--
        <-- .
        \(bothDeletedPipelined)
        --> QUIT
        <-- +OK
        """, rcLines: ["killsize 1000"], configure: { $0.killSize = 1000 }),
        Scenario(name: "filter needs TOP", script: greetingAndLogin + """

        \(capaWithPipelining)
        \(Transcript.oneMessageListed())
        --> QUIT
        <-- +OK
        """, rcLines: ["filter true"], configure: { $0.filter = "true" }),
        Scenario(name: "invalid LIST", script: greetingAndLogin + """

        --> STAT
        <-- +OK 2 20
        --> LIST
        <-- +OK
        <-- 1 10
        <-- 1 10
        <-- .
        """, rcLines: [], configure: { _ in }),
        Scenario(name: "premature end of message", script: greetingAndLogin + """

        \(Transcript.oneMessageListed())
        --> RETR 1
        <-- +OK
        <-- Subject: cut
        !! eof
        """, rcLines: [], configure: { _ in }),
    ]

    @Test(arguments: scenarios + more)
    func sameCommandsAndStatus(_ scenario: Scenario) throws {
        let home = try TemporaryDirectory(prefix: "mpop-engine-diff")
        let reference = try ScriptedServer(scenario.script, readTimeout: 5)
        let rc = try referenceConfiguration(in: home, port: reference.port, extra: scenario.rcLines)
        // The reference loops forever on a premature end (§9.6): bound it.
        let result = try MpopBinary.reference.run(["-C", rc, "-q"] + scenario.arguments, home: home.path, timeout: 4)
        _ = reference.finish()

        let ours = try ScriptedServer(scenario.ours?.script ?? scenario.script, readTimeout: 5)
        var account = testAccount()
        account.host = "127.0.0.1"
        account.port = ours.port
        scenario.configure(&account)
        let session = try loopbackSession(account, port: ours.port)
        let filter: (any HeaderFilterRunner)? = account.filter == nil ? nil
            : FakeFilter(Array(repeating: scenario.filterDecision ?? .keep, count: 10))
        let store = MemoryStore()
        var status = ExitStatus.ok
        do {
            try Retrieval(session: session, openStore: { store }, makeSink: { MemorySink() }, filter: filter,
                          observer: nil, receivedHeader: nil).run(statusOnly: scenario.arguments.contains("-s"))
        } catch {
            status = exitStatus(for: error)
        }
        _ = ours.finish()
        var oursSent = ours.receivedLines
        for extra in scenario.ours?.extraLines ?? [] {
            if let index = oursSent.firstIndex(of: extra) { oursSent.remove(at: index) }
        }
        #expect(oursSent == reference.receivedLines)
        if !result.timedOut {
            #expect(status.rawValue == result.status, "\(result)")
        } else {
            #expect(status == .protocolError)
        }
    }
}
