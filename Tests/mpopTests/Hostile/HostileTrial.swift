import Foundation
import TestSupport

/// One binary against a ``MiniPOP3`` that misbehaves, then the same
/// mailbox served correctly: the second run must fetch every message that
/// the first did not deliver, and none twice.
final class HostileTrial: @unchecked Sendable {
    let pop: MiniPOP3
    let server: HostileServer
    let account: HostileAccount
    let uids: [String]

    init(_ binary: MpopBinary = .ours, uids: [String] = ["u1", "u2", "u3"], faults: MiniPOP3.Faults,
         timeout: Int = 20, extra: String = "") throws {
        self.uids = uids
        let pop = MiniPOP3(uids: uids, faults: faults)
        self.pop = pop
        server = try HostileServer { pop.serve($0) }
        account = try HostileAccount(binary)
        try account.configure(port: server.port, timeout: timeout, extra: extra)
    }

    func hostileRun(measure: Bool = false) throws -> HostileAccount.Outcome {
        try account.run(measure: measure)
    }

    /// Serves the mailbox correctly and runs again.
    func goodRun() throws -> HostileAccount.Outcome {
        pop.faults = MiniPOP3.Faults()
        return try account.run()
    }

    /// Whether every message was delivered exactly once and the server kept none.
    var everythingOnce: Bool {
        account.deliveredUIDs == uids.sorted() && pop.remainingUIDs.isEmpty
    }

    func stop() {
        server.stop()
        account.home.remove()
    }
}
