import Foundation
import Testing
import TestSupport

/// ``FaultSweep``: a sample of the disk faults on every `swift test`, all of
/// them with `MPOP_FAULT_SWEEP=full` (what `Scripts/fault-sweep` runs).
@Suite struct FaultSweepTests {
    typealias Delivery = FailingSyncTests.Delivery

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var full: Bool { environment["MPOP_FAULT_SWEEP"] == "full" }

    /// Three messages, one dovecot per delivery; for each call kind a run
    /// makes, its first, middle and last candidate, with the errnos and
    /// "once" and "from then on" in turn; `pwrite` with the journal
    /// written instead of mapped.
    @Test(.disabled(if: full, "the full sweep runs instead"), arguments: Delivery.allCases)
    func aSampleOfDiskFaultsLosesNothing(_ delivery: Delivery) throws {
        try sweep(delivery, messages: 3, full: false)
    }

    /// Every candidate of every call kind, with EIO, ENOSPC and EDQUOT,
    /// once and from then on, with the journal mapped and written.
    /// `MPOP_FAULT_SWEEP_MESSAGES` sets the number of messages (5), and
    /// `MPOP_FAULT_SWEEP_EVERY` n takes every nth candidate and the last
    /// (1), for mailboxes that take more than one batch.
    @Test(.enabled(if: full, "MPOP_FAULT_SWEEP=full (Scripts/fault-sweep)"), arguments: Delivery.allCases)
    func everyDiskFaultLosesNothing(_ delivery: Delivery) throws {
        try sweep(delivery, messages: Int(Self.environment["MPOP_FAULT_SWEEP_MESSAGES"] ?? "") ?? 5, full: true,
                  every: Int(Self.environment["MPOP_FAULT_SWEEP_EVERY"] ?? "") ?? 1)
    }

    private func sweep(_ delivery: Delivery, messages: Int, full: Bool, every: Int = 1) throws {
        let started = Date()
        let rig = try FaultSweepRig(delivery: delivery, messageCount: messages)
        defer { rig.stop() }
        let sweep = FaultSweep(rig: rig)
        var scenarios: [FaultSweep.Scenario] = []
        for mode in FaultSweep.JournalMode.allCases {
            let counts = try sweep.countCandidates(journal: mode)
            let calls = FaultInjection.Call.allCases.map { "\($0) \(counts[$0, default: 0])" }.joined(separator: ", ")
            print("fault sweep \(delivery), \(messages) messages, journal \(mode); candidates per run: \(calls)")
            // Every kind of call a run makes gets swept: the journal's
            // pwrite only when it is written, its ftruncate (the reserved
            // room given back) only when it is mapped.
            var expected: [FaultInjection.Call] = [.fsync, .fdatasync, .write, .rename]
            if delivery == .maildir { expected.append(.link) }
            expected.append(mode == .written ? .pwrite : .ftruncate)
            for call in expected {
                #expect(counts[call, default: 0] > 0, "\(delivery), journal \(mode): a run made no \(call)")
            }
            switch (full, mode) {
            case (true, _): scenarios += FaultSweep.allScenarios(counts: counts, journal: mode, every: every)
            case (false, .mapped): scenarios += FaultSweep.sampleScenarios(counts: counts)
            case (false, .written): scenarios += FaultSweep.sampleScenarios(counts: counts, journal: mode, calls: [.pwrite])
            }
        }
        var totals = FaultSweep.Totals()
        for scenario in scenarios {
            totals.add(try sweep.run(scenario))
        }
        print("fault sweep \(delivery): \(totals) in \(Int(Date().timeIntervalSince(started))) s")
        for scenario in totals.absorbedScenarios {
            print("fault sweep \(delivery): absorbed \(scenario)")
        }
        for (message, count) in totals.messages.sorted(by: { $0.key < $1.key }) {
            print("fault sweep \(delivery): \(count)x \(message)")
        }
        for failure in totals.failures.prefix(40) {
            print("fault sweep \(delivery): FAILED \(failure)")
        }
        #expect(totals.failures.isEmpty, "\(totals.failures.joined(separator: "\n"))")
    }
}
