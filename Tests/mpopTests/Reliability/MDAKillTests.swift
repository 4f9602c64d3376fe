import Foundation
import Testing
import TestSupport

/// Delivery agents and a mpop that dies or is stopped: an agent never
/// receives a truncated message, and one that has the whole message may
/// finish and is not fed the message a second time.
@Suite(.serialized) struct MDAKillTests {
    /// A dovecot user and our configuration with an agent that copies its
    /// input to `DIR/tmp.PID`, then (after `pause`) renames it to
    /// `DIR/new.PID`: a renamed file is a delivery, whole or not.
    final class Rig {
        let dovecot: DovecotServer
        let side: SideBySide.Side
        let scratch: TemporaryDirectory
        let spool: String
        var ledger = MailLedger()
        var runs = 0

        init(pause: Double = 0) throws {
            dovecot = try DovecotServer()
            side = try SideBySide.Side(binary: .ours, dovecot: dovecot, user: "agent", messages: [])
            scratch = try TemporaryDirectory(prefix: "mpop-mda-kill")
            spool = try side.home.makeDirectory("spool", mode: 0o755)
            let agent = try side.home.write("agent.sh", """
                echo $$ > \(spool)/pid.$$
                cat > \(spool)/tmp.$$ || exit 75
                sleep \(pause)
                mv \(spool)/tmp.$$ \(spool)/new.$$
                """, mode: 0o755)
            try side.configure(port: dovecot.port, ca: dovecot.ca.certificateFile,
                               extra: "keep off\ndelivery mda /bin/sh \(agent)")
        }

        func start() throws -> SignalledRun {
            runs += 1
            return try SignalledRun(home: side.home.path, arguments: ["-q", "test"], scratch: scratch, index: runs)
        }

        /// The files the agent delivered.
        var delivered: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { $0.hasPrefix("new.") }
                .map { spool + "/" + $0 }
        }

        var deliveredIDs: [String] {
            delivered.map { MailLedger.messageID(in: FileManager.default.contents(atPath: $0) ?? Data()) ?? "(none)" }
        }

        /// Bytes the agent has taken so far, whole files or not.
        var bytesTaken: Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).reduce(0) { sum, name in
                sum + ((try? FileManager.default.attributesOfItem(atPath: spool + "/" + name)[.size] as? Int) ?? 0)
            }
        }

        /// Delivered files that are not a whole sample message of `size`.
        func torn(size: Int) -> [String] {
            delivered.filter { path in
                let data = FileManager.default.contents(atPath: path) ?? Data()
                guard let id = MailLedger.messageID(in: data),
                      let number = Int(id.dropFirst("<sample-".count).prefix { $0.isNumber }) else { return true }
                let whole = SampleMessage.make(index: number, size: size)
                return data.count < whole.count || data.suffix(whole.count) != whole
            }
        }

        /// Waits (bounded) until no agent of ours runs any more.
        func waitForAgents() {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { $0.hasPrefix("pid.") }
            for name in names {
                guard let pid = pid_t(name.dropFirst("pid.".count)) else { continue }
                for _ in 0..<200 where kill(pid, 0) == 0 {
                    usleep(20_000)
                }
                unlink(spool + "/" + name)
            }
        }
    }

    /// SIGKILL while big messages stream into the agent: no agent delivers
    /// a truncated one (before, every kill that landed mid-message made the
    /// agent see end of file and deliver the part it had).
    @Test func anAgentNeverDeliversATruncatedMessage() throws {
        let rig = try Rig()
        defer { rig.dovecot.stop() }
        let size = 2_000_000
        try rig.ledger.send(4, size: size, to: rig.side.mailbox)
        var generator = SeededGenerator()
        print("MDAKillTests.truncated seed \(generator.seed)")
        var midMessage = 0
        let kills = 8
        for _ in 0..<kills {
            let before = rig.bytesTaken
            let target = before + Int.random(in: 10_000..<(size - 10_000), using: &generator)
            let run = try rig.start()
            let (_, hit, seen) = run.signal(SIGKILL, when: { rig.bytesTaken >= target }, observe: { rig.bytesTaken })
            if hit, let seen, seen > before { midMessage += 1 }
            rig.waitForAgents()
            // What an agent killed with mpop leaves in tmp/ is not a delivery.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: rig.spool)) ?? [] where name.hasPrefix("tmp.") {
                unlink(rig.spool + "/" + name)
            }
        }
        let final = try rig.side.run(["-q", "test"])
        #expect(final.status == 0, "\(final)")
        let torn = rig.torn(size: size)
        print("MDAKillTests.truncated: \(kills) kills, \(midMessage) mid-message, \(torn.count) truncated deliveries")
        #expect(torn.isEmpty, "the agent delivered truncated messages: \(torn) (seed \(generator.seed))")
        #expect(midMessage * 2 >= kills, "only \(midMessage) of \(kills) kills landed mid-message")
        let outcome = rig.ledger.outcome(deliveredIDs: rig.deliveredIDs, server: rig.side.mailbox)
        #expect(outcome.lost.isEmpty && outcome.leftOnServer == 0, "\(outcome)")
    }

    /// SIGKILL after the agent has the whole message, while it still works:
    /// it finishes, and the next run learns that it delivered (its
    /// supervisor's outcome file) instead of feeding it the message again.
    @Test func aKillWhileTheAgentWorksDoesNotDeliverTwice() throws {
        let rig = try Rig(pause: 0.5)
        defer { rig.dovecot.stop() }
        let size = 50_000
        try rig.ledger.send(3, size: size, to: rig.side.mailbox)
        for _ in 0..<3 {
            let run = try rig.start()
            // The agent has all of one more message: its tmp file is whole.
            let (_, hit, _) = run.signal(SIGKILL, when: { rig.hasWholeTmpFile(size: size) }, observe: { 0 })
            #expect(hit)
            rig.waitForAgents()
        }
        let final = try rig.side.run(["-q", "test"])
        #expect(final.status == 0, "\(final)")
        rig.waitForAgents()
        let outcome = rig.ledger.outcome(deliveredIDs: rig.deliveredIDs, server: rig.side.mailbox)
        print("MDAKillTests.window: \(outcome)")
        #expect(outcome.lost.isEmpty && outcome.duplicated.isEmpty && outcome.leftOnServer == 0, "\(outcome)")
        #expect(rig.torn(size: size).isEmpty)
    }

    /// SIGTERM (and SIGINT) while the agent works on a whole message: mpop
    /// waits for it, records the delivery, then stops: nothing twice.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalWhileTheAgentWorksLetsItFinish(_ signal: Int32) throws {
        let rig = try Rig(pause: 0.5)
        defer { rig.dovecot.stop() }
        let size = 50_000
        try rig.ledger.send(3, size: size, to: rig.side.mailbox)
        let run = try rig.start()
        let (status, hit, _) = run.signal(signal, when: { rig.hasWholeTmpFile(size: size) }, observe: { 0 })
        #expect(hit)
        #expect(status != 0, "\(run.stderr)")
        #expect(rig.delivered.count == 1, "the agent working on a whole message was not let finish")
        let final = try rig.side.run(["-q", "test"])
        #expect(final.status == 0, "\(final)")
        let outcome = rig.ledger.outcome(deliveredIDs: rig.deliveredIDs, server: rig.side.mailbox)
        #expect(outcome.lost.isEmpty && outcome.duplicated.isEmpty && outcome.leftOnServer == 0, "\(outcome)")
    }
}

extension MDAKillTests.Rig {
    /// Whether the agent holds one whole message in a tmp file right now.
    func hasWholeTmpFile(size: Int) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).contains { name in
            guard name.hasPrefix("tmp.") else { return false }
            let data = FileManager.default.contents(atPath: spool + "/" + name) ?? Data()
            guard let id = MailLedger.messageID(in: data),
                  let number = Int(id.dropFirst("<sample-".count).prefix { $0.isNumber }) else { return false }
            let whole = SampleMessage.make(index: number, size: size)
            return data.count >= whole.count && data.suffix(whole.count) == whole
        }
    }
}
