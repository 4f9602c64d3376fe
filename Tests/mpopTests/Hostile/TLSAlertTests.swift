import Foundation
import Testing
import TestSupport

/// The TLS stream breaks in the middle of a message: the run must fail
/// cleanly without delivering the half message, and the next run must
/// fetch the rest exactly once.
@Suite struct TLSAlertTests {
    @Test(arguments: ["close_notify", "garbage", "alert"])
    func tlsBreaksMidMessage(_ breakage: String) throws {
        let ca = try ThrowawayCA()
        let certificate = try ca.issueServerCertificate(name: "alert")
        var outcomes: [String: HostileAccount.Outcome] = [:]
        for binary in [MpopBinary.ours, .reference] {
            let server = try TLSAlertServer(certificate: certificate, breakage: breakage)
            defer { server.stop() }
            let account = try HostileAccount(binary)
            defer { account.home.remove() }
            try account.configure(port: server.port, timeout: 5, extra: """
                tls on
                tls_starttls off
                tls_trust_file \(ca.certificateFile)
                """)
            // The reference loops forever when the stream ends mid-message (§9.6).
            var first = try account.run(timeout: binary.path == MpopBinary.ours.path ? 60 : 15)
            first.result.stderr = first.stderr.replacingOccurrences(of: account.home.path, with: "HOME")
            outcomes[binary.path] = first
            print("TLS \(breakage) \(binary.path): \(first)")
            guard binary.path == MpopBinary.ours.path else { continue }
            #expect(first.status != 0 && !first.result.timedOut, "\(first)")
            let lines = first.stderr.split(separator: "\n")
            #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("mpop: ") }, "\(first)")
            #expect(account.deliveredUIDs == ["t1"])
            #expect(account.leftoverTemporaryFiles.isEmpty)
            let second = try account.run()
            #expect(second.status == 0, "\(second)")
            #expect(account.deliveredUIDs == ["t1", "t2", "t3"])
        }
        // Where the reference ends at all (not after close_notify), it says the same.
        if breakage != "close_notify" {
            #expect(outcomes[MpopBinary.ours.path]?.stderr == outcomes[MpopBinary.reference.path]?.stderr)
            #expect(outcomes[MpopBinary.ours.path]?.status == outcomes[MpopBinary.reference.path]?.status)
        } else {
            #expect(outcomes[MpopBinary.ours.path]?.status == 76)
        }
    }
}
