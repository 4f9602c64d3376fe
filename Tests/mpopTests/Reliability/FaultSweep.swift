import Foundation
import TestSupport

/// Disk faults at every step of a run (Docs/Compatibility.md, "Never losing
/// or duplicating mail"): for a delivery, a kind of call, an `errno` and a
/// candidate index k, the k-th such call under our home (the mailbox, the
/// UIDLs file and its journal) fails once, or from then on (a disk that
/// stays broken). Then:
///
/// - the run ends, without hanging, with 74 and `mpop: ` lines that name
///   the cause, or with 0 when it could do without the call (then it must
///   have done everything a run without the fault does);
/// - no sent message is lost (each is in the mailbox or still on the
///   server, so no DELE went out for a message that is not delivered),
///   none is there twice, none is torn, no working file is left;
/// - a second run on a healthy disk ends with 0, every message delivered
///   exactly once and the server's mailbox empty.
///
/// k runs over the candidates a run without faults makes, counted first
/// from the fault library's log. The journal appends through a memory
/// mapping, which no fault reaches; a second mode refuses it the room it
/// reserves ahead (as a nearly full disk does), so that it appends with
/// `pwrite`, and sweeps those calls too.
struct FaultSweep {
    typealias Delivery = FailingSyncTests.Delivery

    /// How the journal appends.
    enum JournalMode: String, CaseIterable, Sendable {
        /// Through its mapping (the usual case).
        case mapped
        /// With `pwrite`: `posix_fallocate` fails with ENOSPC.
        case written

        var reserveErrno: Int32? { self == .written ? ENOSPC : nil }
    }

    struct Scenario: CustomStringConvertible {
        var journal: JournalMode = .mapped
        var call: FaultInjection.Call
        var errno: Int32
        var skip: Int
        /// 1, or -1 for a disk that stays broken.
        var count: Int

        var description: String {
            "\(call) #\(skip) \(count < 0 ? "and all after" : "once") with \(FaultSweep.errnoName(errno))"
                + (journal == .written ? " (journal written)" : "")
        }
    }

    /// What a set of scenarios came to.
    struct Totals: CustomStringConvertible {
        var scenarios = 0
        var runs = 0
        /// Failures the library injected (a disk that stays broken counts each).
        var faultsInjected = 0
        /// Faulted runs that did fail a call.
        var runsWithFaults = 0
        /// Faulted runs that ended 0 because they could do without the call.
        var absorbed = 0
        /// Their scenarios.
        var absorbedScenarios: [String] = []
        var lost = 0
        var duplicated = 0
        var torn = 0
        var statuses: [Int32: Int] = [:]
        /// Each broken promise, with its scenario.
        var failures: [String] = []
        /// The first lines of the failed runs' messages, how often each.
        var messages: [String: Int] = [:]

        var description: String {
            let exits = statuses.sorted { $0.key < $1.key }.map { "\($0.value)x\($0.key)" }.joined(separator: ", ")
            return "\(scenarios) scenarios, \(runs) runs, \(faultsInjected) faults injected in \(runsWithFaults) runs "
                + "(\(absorbed) absorbed with exit 0); faulted exits: \(exits); "
                + "messages lost \(lost), duplicated \(duplicated), torn \(torn); failures \(failures.count)"
        }

        mutating func add(_ other: Totals) {
            scenarios += other.scenarios
            runs += other.runs
            faultsInjected += other.faultsInjected
            runsWithFaults += other.runsWithFaults
            absorbed += other.absorbed
            absorbedScenarios += other.absorbedScenarios
            lost += other.lost
            duplicated += other.duplicated
            torn += other.torn
            statuses.merge(other.statuses, uniquingKeysWith: +)
            failures += other.failures
            messages.merge(other.messages, uniquingKeysWith: +)
        }
    }

    static let errnos: [Int32] = [EIO, ENOSPC, EDQUOT]

    static func errnoName(_ code: Int32) -> String {
        switch code {
        case EIO: "EIO"
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        default: "errno \(code)"
        }
    }

    let rig: FaultSweepRig

    /// How many calls of each kind a run without faults makes under our
    /// home, from the fault library's log; the run must succeed.
    func countCandidates(journal: JournalMode) throws -> [FaultInjection.Call: Int] {
        try rig.reset()
        let log = rig.scratch.url("probe.log")
        try? FileManager.default.removeItem(atPath: log)
        let faults = FaultInjection(pathPrefix: rig.side.home.path, calls: [], logFile: log,
                                    reserveErrno: journal.reserveErrno)
        let run = try rig.run(faults: faults)
        guard run.status == 0, rig.deliveredIDs.count == rig.messageCount, rig.side.mailbox.messages.isEmpty else {
            throw MessageFailure("a run without faults failed (\(rig.delivery), journal \(journal)): \(run)")
        }
        return FaultLog.read(log).counts
    }

    /// Every scenario: each call kind, each candidate (or every `every`th
    /// and the last), each errno, once and from then on.
    static func allScenarios(counts: [FaultInjection.Call: Int], journal: JournalMode = .mapped,
                             every: Int = 1) -> [Scenario] {
        var scenarios: [Scenario] = []
        for call in FaultInjection.Call.allCases {
            let total = counts[call] ?? 0
            for skip in Set(Array(stride(from: 0, to: total, by: max(1, every))) + (total > 0 ? [total - 1] : [])).sorted() {
                for code in errnos {
                    for count in [1, -1] {
                        scenarios.append(Scenario(journal: journal, call: call, errno: code, skip: skip, count: count))
                    }
                }
            }
        }
        return scenarios
    }

    /// A deterministic sample: for each call kind (of `calls`) its first
    /// and last candidate and one in between, the errnos and both counts
    /// taken in turn, so that every kind the run makes is covered, and
    /// every errno and count across the sample.
    static func sampleScenarios(counts: [FaultInjection.Call: Int], journal: JournalMode = .mapped,
                                calls: [FaultInjection.Call] = FaultInjection.Call.allCases) -> [Scenario] {
        var scenarios: [Scenario] = []
        var turn = 0
        for call in calls {
            let total = counts[call] ?? 0
            guard total > 0 else { continue }
            for skip in Set([0, total / 2, total - 1]).sorted() {
                scenarios.append(Scenario(journal: journal, call: call, errno: errnos[turn % errnos.count],
                                          skip: skip, count: turn % 2 == 0 ? 1 : -1))
                turn += 1
            }
        }
        return scenarios
    }

    /// Runs one scenario and the healthy run after it; returns what it came to.
    func run(_ scenario: Scenario) throws -> Totals {
        var totals = Totals()
        totals.scenarios = 1
        try rig.reset()
        let tally = rig.scratch.url("tally")
        try? FileManager.default.removeItem(atPath: tally)
        let faults = FaultInjection(pathPrefix: rig.side.home.path, calls: [scenario.call], skip: scenario.skip,
                                    count: scenario.count, errno: scenario.errno, tallyFile: tally,
                                    reserveErrno: scenario.journal.reserveErrno)
        let name = "\(rig.delivery): \(scenario)"
        func fail(_ text: String) { totals.failures.append("\(name): \(text)") }

        let faulted = try rig.run(faults: faults)
        totals.runs += 1
        let injected = FaultTally.read(tally).injected
        totals.faultsInjected += injected
        if injected > 0 { totals.runsWithFaults += 1 }
        totals.statuses[faulted.status, default: 0] += 1
        if faulted.timedOut { fail("the run hung") }
        let afterFault = rig.ledger.outcome(deliveredIDs: rig.deliveredIDs, server: rig.side.mailbox)
        switch faulted.status {
        case 74:
            totals.messages[normalized(faulted.stderr.prefix { $0 != "\n" }), default: 0] += 1
            if let problem = Self.unclearMessage(faulted.stderr, errno: scenario.errno) { fail(problem) }
        case 0:
            // Only a call whose failure changes nothing may go unreported.
            totals.absorbed += 1
            totals.absorbedScenarios.append(name)
            if afterFault.leftOnServer != 0 || Set(rig.deliveredIDs) != rig.ledger.sentIDs || !faulted.stderr.isEmpty {
                fail("exit 0, but the run did not finish its work: \(afterFault); stderr \(faulted.stderr)")
            }
        default:
            fail("exit \(faulted.status) (expected 74): \(faulted.stderr)")
        }
        check(afterFault, after: "the faulted run", into: &totals).forEach(fail)
        // Delivered and still on the server, so the next run would fetch
        // them again unless they are recorded.
        let onServer = Set(rig.side.mailbox.messages.compactMap(MailLedger.messageID(in:)))
        let deliveredOnServer = Set(rig.deliveredIDs).intersection(onServer)
        if !deliveredOnServer.isEmpty && !FileManager.default.fileExists(atPath: rig.uidlsFile)
            && !FileManager.default.fileExists(atPath: rig.journal) {
            fail("\(deliveredOnServer.count) delivered messages recorded nowhere (no UIDLs file, no journal): "
                 + faulted.stderr)
        }

        let healthy = try rig.run()
        totals.runs += 1
        if healthy.status != 0 || healthy.timedOut { fail("the healthy run after it: \(healthy)") }
        let final = rig.ledger.outcome(deliveredIDs: rig.deliveredIDs, server: rig.side.mailbox)
        check(final, after: "the healthy run", into: &totals).forEach(fail)
        if final.leftOnServer != 0 { fail("\(final.leftOnServer) messages left on the server") }
        if Set(rig.deliveredIDs) != rig.ledger.sentIDs { fail("not every message delivered: \(final)") }
        return totals
    }

    /// Counts lost, duplicated and torn messages; returns what is wrong
    /// (those, stray messages, working files left).
    private func check(_ outcome: MailLedger.Outcome, after run: String, into totals: inout Totals) -> [String] {
        let torn = rig.tornMessages
        totals.lost += outcome.lost.count
        totals.duplicated += outcome.duplicated.count
        totals.torn += torn.count
        var problems: [String] = []
        if !outcome.lost.isEmpty || !outcome.duplicated.isEmpty || !outcome.unexpected.isEmpty {
            problems.append("after \(run): \(outcome)")
        }
        if !torn.isEmpty { problems.append("after \(run): torn messages \(torn)") }
        if !rig.leftoverWorkingFiles.isEmpty {
            problems.append("after \(run): files left in tmp/: \(rig.leftoverWorkingFiles)")
        }
        return problems
    }

    /// A message with the home directory and the names that change from
    /// run to run replaced: maildir and Exchange files, mkstemp's suffix.
    private func normalized(_ line: Substring) -> String {
        line.replacingOccurrences(of: rig.side.home.path, with: "~")
            .replacingOccurrences(of: #"[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\.[^/: ]+"#, with: "NAME", options: .regularExpression)
            .replacingOccurrences(of: #"mpop-[0-9]+-M[0-9]+P[0-9]+Q[0-9]+-[^/: ]+\.eml"#, with: "NAME.eml",
                                  options: .regularExpression)
            .replacingOccurrences(of: #"(_at_127\.0\.0\.1)\.[A-Za-z0-9]{6}([: ])"#, with: "$1.XXXXXX$2",
                                  options: .regularExpression)
    }

    /// Why a failed run's message is not clear, or `nil`: every line is
    /// mpop's (`mpop: `), and the first names the cause: the `errno`'s
    /// text or, for a failed write, mpop 1.4.18's words `output error`.
    static func unclearMessage(_ stderr: String, errno: Int32) -> String? {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard !lines.isEmpty, stderr.hasSuffix("\n") else { return "no message: \(stderr.debugDescription)" }
        if let stray = lines.first(where: { !$0.hasPrefix("mpop: ") }) {
            return "a line that is not mpop's: \(stray.debugDescription) in \(stderr.debugDescription)"
        }
        let reason = String(cString: strerror(errno))
        guard lines[lines.startIndex].contains(reason) || lines[lines.startIndex].hasSuffix("output error") else {
            return "the first line does not say \(reason.debugDescription): \(stderr.debugDescription)"
        }
        return nil
    }
}
