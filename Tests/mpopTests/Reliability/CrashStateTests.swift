import Foundation
import Testing
import TestSupport

/// A power loss at any moment of a run costs no message, delivers none
/// twice, tears none and leaves no state file the next run cannot read:
/// every crash point of a recorded run, with the states (a) to (d) of
/// ``CrashStates/Selection`` (everything written; only what was synced;
/// each unsynced change lost on its own; the last write torn at each 4 KiB
/// boundary), each checked by running the next mpop against each server
/// state possible at that point (see ``CrashStateExplorer``).
///
/// The full exploration (more messages, every delivery kind, keep on and
/// off, a first run, more subsets) is `Benchmarks/crashstates`, which runs
/// ``full()`` with `MPOP_CRASH_STATES=full`.
@Suite(.serialized) struct CrashStateTests {
    static let smallScenarios: [CrashStateExplorer.Scenario] = [
        .init(delivery: .maildir, keep: false, earlierMessages: 1, sizes: [6_000, 1_500], selection: .basic),
        .init(delivery: .mbox, keep: true, earlierMessages: 1, sizes: [6_000, 1_500], selection: .basic),
    ]

    @Test(arguments: smallScenarios)
    func everyCrashPointOfASmallRun(_ scenario: CrashStateExplorer.Scenario) throws {
        let explorer = try CrashStateExplorer(scenario)
        let started = Date()
        let tally = try explorer.explore()
        print("CrashStateTests: \(scenario): \(tally) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        #expect(tally.failures == 0, "\(tally.problems.prefix(10).joined(separator: "\n"))")
        #expect(tally.crashPoints > 10 && tally.statesChecked > tally.crashPoints)
    }

    /// The journal's last marker is on disk before anything relies on it:
    /// the QUIT that makes the server delete (keep off), the rename of the
    /// new UIDLs file (keep on and off). A power loss before its sync may
    /// keep the marker and lose a record above it, and the next run must
    /// then find the messages still on the server and not yet in the
    /// UIDLs file. (The marker's sync runs in a background thread.)
    @Test(arguments: [false, true])
    func theJournalsMarkersAreOnDiskBeforeQuitAndTheSave(keep: Bool) throws {
        let explorer = try CrashStateExplorer(.init(delivery: .mbox, keep: keep, earlierMessages: 1,
                                                    sizes: [2_000, 2_000], selection: []))
        let operations = try explorer.record()
        var journal: UInt64?
        var lastMarker: Int?
        var syncs: [String: (start: Int, inode: UInt64)] = [:]
        var journalSynced: Int?
        var quit: Int?, rename: Int?
        for (position, operation) in operations.enumerated() {
            switch operation {
            case .create(let inode, _, let name, _) where name.hasSuffix(".journal"):
                journal = inode
            case .write(let inode, _, let data) where inode == journal && data == Array("@durable\n".utf8):
                lastMarker = position
            case .syncStarted(let id, _, let inode):
                syncs[id] = (position, inode)
            case .syncEnded(let id, 0):
                if let sync = syncs[id], sync.inode == journal, let marker = lastMarker, sync.start > marker {
                    journalSynced = journalSynced ?? position
                }
            case .quitSent:
                quit = quit ?? position
            case .rename:
                rename = rename ?? position
            default:
                break
            }
        }
        let synced = try #require(journalSynced, "no sync of the journal after its last marker")
        #expect(lastMarker != nil)
        #expect(synced < (rename ?? .max), "the UIDLs file was renamed before the journal's sync")
        if !keep {
            #expect(synced < (quit ?? .max), "QUIT went out before the journal's sync")
        }
        #expect(rename != nil && quit != nil)
    }

    /// A first run creates the UIDLs file's directory and the mbox: their
    /// names are synced into their directory before QUIT, or a power loss
    /// could take the whole file, its messages synced and deleted on the
    /// server (or, with keep on, listed as seen) all the same.
    @Test func aFirstRunSyncsTheNamesOfTheDirectoryAndTheMboxItCreates() throws {
        let explorer = try CrashStateExplorer(.init(delivery: .mbox, keep: false, earlierMessages: 0,
                                                    sizes: [2_000], selection: []))
        let operations = try explorer.record()
        var created: [String: (parent: UInt64, position: Int)] = [:]
        var syncs: [String: (start: Int, inode: UInt64)] = [:]
        var completed: [(start: Int, end: Int, inode: UInt64)] = []
        var quit: Int?
        for (position, operation) in operations.enumerated() {
            switch operation {
            case .makeDirectory(_, let parent, let name, _), .create(_, let parent, let name, _):
                created[name] = created[name] ?? (parent, position)
            case .syncStarted(let id, _, let inode):
                syncs[id] = (position, inode)
            case .syncEnded(let id, 0):
                if let sync = syncs[id] { completed.append((sync.start, position, sync.inode)) }
            case .quitSent:
                quit = quit ?? position
            default:
                break
            }
        }
        let quitSent = try #require(quit)
        for name in [".mpop_uidls", "mbox"] {
            let entry = try #require(created[name], "\(name) was not created")
            let sync = completed.first { $0.inode == entry.parent && $0.start > entry.position }
            #expect(sync.map { $0.end < quitSent } == true,
                    "\(name) created at record \(entry.position); its directory synced: \(String(describing: sync)), QUIT at \(quitSent)")
        }
    }

    /// Every delivery kind with keep off and on, rewriting a UIDLs file
    /// of an earlier run, with messages of one to several writes; first
    /// runs (which create the UIDLs file and its directory); and a run of
    /// more than one batch (80 messages a batch), with fewer states for
    /// each of its many crash points.
    static let fullScenarios: [CrashStateExplorer.Scenario] = {
        var scenarios: [CrashStateExplorer.Scenario] = []
        for delivery in CrashStateExplorer.Delivery.allCases {
            for keep in [false, true] {
                scenarios.append(.init(delivery: delivery, keep: keep, earlierMessages: 2,
                                       sizes: [9_000, 1_200, 70_000, 3_000, 500], selection: .all))
            }
            scenarios.append(.init(delivery: delivery, keep: delivery == .mbox, earlierMessages: 0,
                                   sizes: [5_000, 800, 12_000], selection: .all))
        }
        scenarios.append(.init(delivery: .maildir, keep: false, earlierMessages: 0,
                               sizes: Array(repeating: 400, count: 82), selection: [.everything, .onlySynced]))
        return scenarios
    }()

    /// `Benchmarks/crashstates`. Exchange delivery makes no promise about
    /// crashes (mpop's method: the file is written in place, under a lock
    /// that ends with the process), so its counts are shown apart and do
    /// not fail the run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MPOP_CRASH_STATES"] == "full",
                   "the full exploration: Benchmarks/crashstates"))
    func full() throws {
        var promised = CrashStateExplorer.Tally()
        var exchange = CrashStateExplorer.Tally()
        let started = Date()
        // MPOP_CRASH_SCENARIO: only the scenarios whose description contains it.
        let only = ProcessInfo.processInfo.environment["MPOP_CRASH_SCENARIO"] ?? ""
        for scenario in Self.fullScenarios where only.isEmpty || "\(scenario)".contains(only) {
            let scenarioStarted = Date()
            let explorer = try CrashStateExplorer(scenario)
            let tally = try explorer.explore { print("crashstates: \($0)") }
            print("crashstates: \(scenario): \(tally) "
                  + "(\(String(format: "%.0f", Date().timeIntervalSince(scenarioStarted))) s)")
            for problem in tally.problems.prefix(3) {
                print("crashstates: problem: \(problem)")
            }
            if scenario.delivery == .exchange {
                exchange.add(tally)
            } else {
                promised.add(tally)
            }
        }
        print("crashstates: exchange (no crash promise, not counted): \(exchange)")
        print("crashstates: total: \(promised) (\(String(format: "%.0f", Date().timeIntervalSince(started))) s)")
        #expect(promised.failures == 0, "\(promised.problems.prefix(10).joined(separator: "\n"))")
    }
}
