import Foundation
import Testing
import TestSupport

/// Two of our mpop processes on the same account at once. The UIDLs file
/// lock (taken after LIST, held until the file is saved) serialises them:
/// the second waits up to 10 seconds, and no message is delivered twice.
///
/// The server decides when each client moves on, from what the other
/// client did, so the tests do not depend on timing.
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
    /// same messages; then both go on. The second gets the lock once the
    /// first has saved, sees every UID as old, and fetches nothing.
    static func overlappingRuns(_ binary: MpopBinary, extra: String) throws -> (HostileTrial, Box) {
        let gate = Gate()
        var faults = MiniPOP3.Faults()
        faults.beforeUIDL = { session in
            guard session == 1 else { return }
            gate.firstHoldsLock.signal()
            _ = gate.secondListed.wait(timeout: .now() + 60)
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
    /// as mpop does, forgets those UIDs. A server that lets a second
    /// session see the same maildrop (RFC 1939 says it should be locked;
    /// dovecot's `pop3_lock_session` is off by default) then serves the
    /// second client messages it already listed, and both mpop versions
    /// deliver them again. Taking the UIDLs lock before STAT would close
    /// this; it changes the engine, so it is left to the engine's owner.
    @Test func keepOffWithoutAMaildropLock() throws {
        var delivered: [String: [String]] = [:]
        for binary in [MpopBinary.ours, .reference] {
            let (trial, box) = try Self.overlappingRuns(binary, extra: "")
            defer { trial.stop() }
            #expect(box.first?.status == 0, "\(String(describing: box.first))")
            delivered[binary.path] = trial.account.deliveredUIDs
        }
        #expect(delivered[MpopBinary.ours.path] == delivered[MpopBinary.reference.path])
        withKnownIssue("two overlapping runs with keep off deliver twice, as the reference does") {
            #expect(delivered[MpopBinary.ours.path] == ["u1", "u2", "u3"])
        }
    }
}
