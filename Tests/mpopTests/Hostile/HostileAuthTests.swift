import Foundation
import Testing
import TestSupport

/// Hostile SASL exchanges.
@Suite struct HostileAuthTests {
    /// Found by Fuzz/ (target sasl): GNU SASL 2.2.0's DIGEST-MD5 client
    /// reads past a heap block when a second empty challenge follows the
    /// first. We refuse the empty challenge before the library sees it.
    @Test func emptyDigestMD5ChallengesAreRefused() throws {
        var faults = MiniPOP3.Faults()
        faults.capa = ["USER", "UIDL", "SASL DIGEST-MD5"]
        faults.auth = { connection, _ in
            guard connection.line("+ "), connection.readLine() != nil else { return false }
            guard connection.line("+ "), connection.readLine() != nil else { return false }
            return connection.line("-ERR no")
        }
        // The reference gets the same answer from the library, after the over-read.
        for binary in [MpopBinary.ours, .reference] {
            let trial = try HostileTrial(binary, faults: faults, extra: "auth digest-md5")
            defer { trial.stop() }
            let outcome = try trial.hostileRun()
            #expect(outcome.status == 70, "\(binary.path): \(outcome)")
            #expect(outcome.stderr.hasPrefix("mpop: GNU SASL: SASL mechanism could not parse input\n"), "\(outcome)")
            #expect(trial.account.deliveredUIDs.isEmpty)
        }
    }
}
