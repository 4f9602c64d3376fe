import Foundation
import Testing
import TestSupport

/// A connection that dies at any point of a session (a proxy in front of
/// dovecot cuts it after K bytes from the server, for many K): mpop fails
/// with the status the reference gives at the same point (74 for I/O, 76
/// for a reply cut short), and a good rerun then leaves nothing lost and
/// nothing delivered twice.
@Suite(.serialized) struct DroppedConnectionTests {
    static let cutPoints: [Int] = [0, 1, 5, 20, 40, 80, 120, 160, 200, 260, 320, 400, 480, 560]
        + Array(stride(from: 700, through: 9_100, by: 600)) + [20_000]

    /// Over plain POP3 (statuses 74 or 76) and over STARTTLS (where a cut
    /// may also hit the handshake or a TLS record).
    @Test(arguments: [false, true])
    func everyCutIsRecoveredByTheNextRun(tls: Bool) throws {
        let pair = try SideBySide(messages: [])
        defer { pair.stop() }
        var ledgers = [MailLedger(), MailLedger()]
        var mismatches: [String] = []
        var cuts = 0
        var referenceSIGPIPEs = 0
        for cut in Self.cutPoints {
            var statuses: [Int32] = []
            for (index, side) in [pair.ours, pair.theirs].enumerated() {
                if side.mailbox.messages.isEmpty {
                    try ledgers[index].send(5, size: 1_500, to: side.mailbox)
                }
                let proxy = try CuttingProxy(targetPort: pair.dovecot.port, cutAfter: cut)
                try side.configure(port: proxy.port, ca: pair.dovecot.ca.certificateFile, extra: tls ? "" : "tls off")
                let result = try side.binary.run(["-q", "test"], home: side.home.path, timeout: 60)
                proxy.finish()
                #expect(!result.timedOut)
                if index == 0 {
                    if proxy.didCut {
                        cuts += 1
                        #expect(tls ? result.status != 0 : [74, 76].contains(result.status),
                                "cut after \(cut) bytes: \(result)")
                    } else {
                        #expect(result.status == 0, "no cut (\(proxy.bytesPassed) bytes): \(result)")
                    }
                }
                statuses.append(result.status)
                // The good rerun, straight to dovecot.
                try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile, extra: tls ? "" : "tls off")
                let rerun = try side.run(["-q", "test"])
                #expect(rerun.status == 0, "rerun after a cut at \(cut): \(rerun)")
            }
            if tls && statuses == [74, 141] {
                // mpop 1.4.18 dies of SIGPIPE when it writes to a cut TLS
                // connection (GnuTLS sends without MSG_NOSIGNAL); ours exits 74.
                referenceSIGPIPEs += 1
            } else if statuses[0] != statuses[1] {
                mismatches.append("cut \(cut): ours \(statuses[0]), theirs \(statuses[1])")
            }
        }
        #expect(cuts > 20)
        #expect(mismatches.isEmpty, "exit statuses differ from the reference: \(mismatches)")
        if referenceSIGPIPEs > 0 {
            print("TLS cuts where the reference died of SIGPIPE and ours exited 74: \(referenceSIGPIPEs)")
        }
        for (index, side) in [pair.ours, pair.theirs].enumerated() {
            let outcome = ledgers[index].outcome(delivered: side.maildir, server: side.mailbox)
            #expect(outcome.lost.isEmpty && outcome.duplicated.isEmpty && outcome.unexpected.isEmpty,
                    "\(side.user): \(outcome)")
            #expect(outcome.leftOnServer == 0)
        }
    }
}
