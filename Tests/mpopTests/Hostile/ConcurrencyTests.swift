import Foundation
import Testing
import TestSupport

/// Two of our mpop processes on the same account at once. The UIDLs file
/// lock (taken before connecting, held until the file is saved) serialises
/// them: the second waits up to 10 seconds, and no message is delivered
/// twice.
///
/// The server holds the first client inside its lock; it lets it go when
/// the second client has listed the mailbox (which ours never does while
/// the first holds the lock, and the reference does), or after a few
/// seconds. No assertion depends on that timing: with the lock taken
/// first, the outcome is the same either way.
@Suite(.serialized) struct ConcurrencyTests {
    final class Gate: @unchecked Sendable {
        let firstHoldsLock = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let secondListed = DispatchSemaphore(value: 0)
    }

    static func start(_ account: HostileAccount, _ group: DispatchGroup,
                      _ store: @escaping @Sendable (HostileAccount.Outcome) -> Void) {
        group.enter()
        Thread {
            if let outcome = try? account.run(timeout: 90) { store(outcome) }
            group.leave()
        }.start()
    }

    final class Box: @unchecked Sendable {
        var first: HostileAccount.Outcome?
        var second: HostileAccount.Outcome?
    }

    /// The first client sits in UIDL, inside its lock, until the second has
    /// given up: the second exits 74 with mpop's message after 10 seconds.
    @Test func secondClientGivesUpAfterTenSeconds() throws {
        let gate = Gate()
        var faults = MiniPOP3.Faults()
        faults.beforeUIDL = { session in
            guard session == 1 else { return }
            gate.firstHoldsLock.signal()
            _ = gate.release.wait(timeout: .now() + 60)
        }
        let trial = try HostileTrial(faults: faults, timeout: 90)
        defer { trial.stop() }
        let box = Box()
        let group = DispatchGroup()
        Self.start(trial.account, group) { box.first = $0 }
        #expect(gate.firstHoldsLock.wait(timeout: .now() + 30) == .success)
        let second = try trial.account.run(timeout: 60)
        gate.release.signal()
        #expect(group.wait(timeout: .now() + 60) == .success)
        let uidls = trial.account.home.path + "/.mpop_uidls/joe_at_127.0.0.1"
        #expect(second.status == 74, "\(second)")
        #expect(second.stderr.hasPrefix(
            "mpop: cannot lock \(uidls) (tried for 10 seconds): Resource temporarily unavailable\n"), "\(second)")
        #expect(box.first?.status == 0, "\(String(describing: box.first))")
        #expect(trial.everythingOnce, "delivered \(trial.account.deliveredUIDs)")
        #expect(try trial.account.run().status == 0)
        #expect(trial.everythingOnce)
    }

    /// The first client is held in UIDL until the second has listed the
    /// same messages, or for 3 seconds (ours, whose second client never
    /// lists then and gives up on the lock after 10); then both go on. The
    /// reference's second client does list, so for it the limit is only a
    /// bound: a loaded machine may take seconds to start it, and the
    /// reference's double delivery must not depend on that.
    static func overlappingRuns(_ binary: MpopBinary, extra: String) throws -> (HostileTrial, Box) {
        let gate = Gate()
        var faults = MiniPOP3.Faults()
        let hold: Double = binary.path == MpopBinary.reference.path ? 30 : 3
        faults.beforeUIDL = { session in
            guard session == 1 else { return }
            gate.firstHoldsLock.signal()
            _ = gate.secondListed.wait(timeout: .now() + hold)
        }
        faults.afterLIST = { session in
            if session == 2 { gate.secondListed.signal() }
        }
        let trial = try HostileTrial(binary, faults: faults, timeout: 90, extra: extra)
        let box = Box()
        let group = DispatchGroup()
        Self.start(trial.account, group) { box.first = $0 }
        #expect(gate.firstHoldsLock.wait(timeout: .now() + 30) == .success)
        Self.start(trial.account, group) { box.second = $0 }
        #expect(group.wait(timeout: .now() + 90) == .success)
        return (trial, box)
    }

    @Test func secondClientWaitsAndFetchesNothingTwice() throws {
        let (trial, box) = try Self.overlappingRuns(.ours, extra: "keep on")
        defer { trial.stop() }
        #expect(box.first?.status == 0, "\(String(describing: box.first))")
        #expect(box.second?.status == 0, "\(String(describing: box.second))")
        #expect(trial.account.deliveredUIDs == ["u1", "u2", "u3"])
    }

    /// With `keep off`, the first client deletes what it fetched and then,
    /// as mpop does, forgets those UIDs. A server that lets a second session
    /// see the same maildrop (RFC 1939 says it should be locked; dovecot's
    /// `pop3_lock_session` is off by default) serves the reference's second
    /// run, which listed the mailbox before it waited for the lock, messages
    /// already delivered, and it delivers them again. Ours takes the lock
    /// before connecting, lists the mailbox only after the first run is
    /// done, and delivers every message once.
    @Test func keepOffWithoutAMaildropLock() throws {
        let (ours, oursBox) = try Self.overlappingRuns(.ours, extra: "")
        defer { ours.stop() }
        #expect(oursBox.first?.status == 0, "\(String(describing: oursBox.first))")
        #expect(oursBox.second?.status == 0, "\(String(describing: oursBox.second))")
        #expect(ours.account.deliveredUIDs == ["u1", "u2", "u3"])

        let (theirs, theirBox) = try Self.overlappingRuns(.reference, extra: "")
        defer { theirs.stop() }
        #expect(theirBox.first?.status == 0, "\(String(describing: theirBox.first))")
        #expect(theirs.account.deliveredUIDs.count > 3, "the reference's known double delivery")
    }
}
