import Foundation
import POP3Core
import TestSupport

/// Records one real run of our mpop against dovecot (``OperationRecorder``),
/// builds every state a power loss at each of its moments could leave
/// (``CrashStates``), and runs the next mpop, normally, on each of them
/// against each server state possible at that moment; then counts what
/// became of the mail.
///
/// The server side: dovecot's maildir for the user is copied before the
/// recorded run and after it, and one of the copies is put back before each
/// check. Before `QUIT` is sent the server can only be as before the run
/// (without QUIT nothing is deleted); once its reply came, only as after;
/// in between, either.
///
/// Power loss means a new boot: the next run reads the real boot id, and
/// the recorded run was given another one (its journal's `@boot` lines name
/// that). The states a kill of the process could leave as well (everything
/// written; the last record a write cut short at a page boundary) are
/// also checked in the same boot.
final class CrashStateExplorer {
    enum Delivery: String, CaseIterable, Sendable {
        case maildir, mbox, exchange
    }

    struct Scenario: CustomStringConvertible, Sendable {
        var delivery: Delivery
        var keep: Bool
        /// Messages an earlier run fetched (with keep on), so that the
        /// recorded run rewrites an existing UIDLs file; 0: the recorded
        /// run is the first, and creates it (and its directory).
        var earlierMessages: Int
        /// The sizes of the messages new for the recorded run.
        var sizes: [Int]
        var selection: CrashStates.Selection

        var description: String {
            "\(delivery) keep \(keep ? "on" : "off"), \(earlierMessages) earlier and \(sizes.count) new messages"
                + (earlierMessages == 0 ? " (first run)" : "")
        }
    }

    /// What the exploration found.
    struct Tally: CustomStringConvertible {
        var runsRecorded = 0
        var records = 0
        var changes = 0
        var crashPoints = 0
        var statesEnumerated = 0
        var statesChecked = 0
        var lost = 0
        var duplicated = 0
        /// Duplicates after a power loss that took every durable record of
        /// the message (a marker not yet synced, or the record naming the
        /// delivered file): the documented cost of a crash before the
        /// journal's sync, "a second download, never a message lost".
        var refetched = 0
        var torn = 0
        var unreadable = 0
        var failedRuns = 0
        var leftOnServer = 0
        var problems: [String] = []

        var failures: Int { lost + duplicated + torn + unreadable + failedRuns + leftOnServer }

        mutating func add(_ other: Tally) {
            runsRecorded += other.runsRecorded
            records += other.records
            changes += other.changes
            crashPoints += other.crashPoints
            statesEnumerated += other.statesEnumerated
            statesChecked += other.statesChecked
            lost += other.lost
            duplicated += other.duplicated
            refetched += other.refetched
            torn += other.torn
            unreadable += other.unreadable
            failedRuns += other.failedRuns
            leftOnServer += other.leftOnServer
            problems += other.problems
        }

        var description: String {
            """
            runs recorded \(runsRecorded), operations \(records) (\(changes) changes), crash points \(crashPoints), \
            states enumerated \(statesEnumerated), distinct states checked \(statesChecked); \
            messages lost \(lost), duplicated \(duplicated), torn \(torn), unreadable state files \(unreadable), \
            failed runs \(failedRuns), left on the server \(leftOnServer); \
            duplicated because the crash took the journal's record (documented) \(refetched)
            """
        }
    }

    let scenario: Scenario
    private let dovecot: DovecotServer
    private let mailbox: ServerMailbox
    private let home: TemporaryDirectory
    private let scratch: TemporaryDirectory
    private var ledger = MailLedger()
    private let user = "crash"
    private let password = "secret-crash"
    /// The boot id the recorded run saw (the machine's is another).
    private let bootIDFile: String
    private var messageIDsByUID: [String: String?] = [:]

    init(_ scenario: Scenario) throws {
        self.scenario = scenario
        dovecot = try DovecotServer()
        mailbox = try dovecot.addUser(user, password: password)
        home = try TemporaryDirectory(prefix: "mpop-crash")
        scratch = try TemporaryDirectory(prefix: "mpop-crash-scratch")
        bootIDFile = try scratch.write("boot_id", "c0ffee00-0000-4000-8000-00000000c1a5\n")
        var delivery: String
        switch scenario.delivery {
        case .maildir: delivery = "maildir " + (try home.makeMaildir("Mail"))
        case .mbox: delivery = "mbox " + home.url("mbox")
        case .exchange: delivery = "exchange " + (try home.makeDirectory("pickup"))
        }
        // Plain POP3: the recorder sees QUIT go out and its answer come in.
        try home.write(".mpoprc", """
            defaults
            tls off

            account test
            host 127.0.0.1
            port \(dovecot.port)
            user \(user)
            password \(password)
            delivery \(delivery)
            keep \(scenario.keep ? "on" : "off")

            """)
    }

    deinit {
        dovecot.stop()
    }

    private var uidlsPath: String { ".mpop_uidls/\(user)_at_127.0.0.1" }

    /// The Message-IDs delivered, with repeats.
    private var deliveredIDs: [String] {
        switch scenario.delivery {
        case .maildir: MailLedger.messageIDs(inMaildir: home.url("Mail"))
        case .mbox: MailLedger.messageIDs(inMbox: home.url("mbox"))
        case .exchange: MailLedger.messageIDs(inDirectory: home.url("pickup"))
        }
    }

    private var tornMessages: [String] {
        switch scenario.delivery {
        case .maildir: ledger.tornFiles(in: [home.url("Mail/new"), home.url("Mail/cur")])
        case .mbox: ledger.tornMessages(inMbox: home.url("mbox"))
        case .exchange: ledger.tornFiles(in: [home.url("pickup")], lineEnding: "\r\n")
        }
    }

    private func run(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> RunResult {
        let result = try MpopBinary.ours.run(["-q"] + arguments + ["test"], home: home.path, environment: environment)
        dovecot.waitUntilIdle()
        return result
    }

    /// The server's maildir before and after the recorded run, and the
    /// client's files before it (see ``record()``).
    private var serverBefore: String { scratch.url("server-before") }
    private var serverAfter: String { scratch.url("server-after") }
    private var treeBefore: (tree: FileTree, inodes: [UInt64: Int])?

    /// Prepares the scenario and records its run; returns the records.
    func record() throws -> [FileOperation] {
        if scenario.earlierMessages > 0 {
            try ledger.send(scenario.earlierMessages, size: 3_000, to: mailbox)
            let earlier = try run(["--keep=on"])
            guard earlier.status == 0 else { throw MessageFailure("the earlier run failed: \(earlier)") }
        }
        for size in scenario.sizes {
            try ledger.send(1, size: size, to: mailbox)
        }
        // A session gives the new messages their UIDs, which the copy keeps.
        messageIDsByUID = try POP3Listing.messageIDsByUID(port: dovecot.port, user: user, password: password)
        dovecot.waitUntilIdle()
        try DirectoryCopy.copy(mailbox.maildir, to: serverBefore)
        treeBefore = try FileTree.scan(home.path)

        let logFile = scratch.url("operations.log")
        let recorder = OperationRecorder(logFile: logFile, pathPrefix: home.path, bootIDFile: bootIDFile)
        let recorded = try run(environment: try recorder.environment())
        guard recorded.status == 0 else { throw MessageFailure("the recorded run failed: \(recorded)") }
        try DirectoryCopy.copy(mailbox.maildir, to: serverAfter)
        let log = FileManager.default.contents(atPath: logFile) ?? Data()
        if let path = ProcessInfo.processInfo.environment["MPOP_CRASH_REPORT"] {
            let copy = path + "." + scenario.description.filter { $0.isLetter || $0.isNumber } + ".log"
            _ = FileManager.default.createFile(atPath: copy, contents: log)
            report("== \(scenario): operations in \(copy)")
        }
        return try FileOperation.parse(log)
    }

    /// Prepares the scenario, records its run and checks the states.
    /// `progress` gets a line now and then, for a person watching.
    func explore(progress: (String) -> Void = { _ in }) throws -> Tally {
        var tally = Tally()
        let operations = try record()
        let (tree, inodes) = treeBefore!
        let states = try CrashStates(before: tree, inodes: inodes, operations: operations)
        tally.runsRecorded = 1
        tally.records = states.recordCount
        tally.changes = states.changeCount
        tally.crashPoints = states.crashPoints.count
        progress("\(scenario): \(states.recordCount) records, \(states.changeCount) changes, "
                 + "\(states.crashPoints.count) crash points")

        var checked: Set<Key> = []
        let sameBoot = try OperationRecorder(logFile: nil, pathPrefix: nil, bootIDFile: bootIDFile).environment()
        // After a power loss the machine booted after every file was written.
        let procStat = scratch.url("proc-stat")
        let laterBoot = try OperationRecorder(logFile: nil, pathPrefix: nil, procStatFile: procStat).environment()
        for point in states.crashPoints {
            let server = states.serverStates(at: point)
            var servers: [(name: String, copy: String)] = []
            if server.before { servers.append(("the server as before the run", serverBefore)) }
            if server.after { servers.append(("the server as after the run", serverAfter)) }
            let candidates = states.states(at: point, selection: scenario.selection)
            for state in candidates {
                let fingerprint = state.tree.fingerprint
                for boot in state.afterAKill ? [false, true] : [false] {
                    for (serverName, copy) in servers {
                        tally.statesEnumerated += 1
                        guard checked.insert(Key(fingerprint: fingerprint, server: copy, sameBoot: boot)).inserted else {
                            continue
                        }
                        tally.statesChecked += 1
                        let what = "\(scenario): \(state.description), \(serverName), "
                            + (boot ? "same boot (a kill)" : "after a power loss")
                        try check(state.tree, server: copy, environment: boot ? sameBoot : laterBoot, sameBoot: boot,
                                  procStat: procStat, description: what, into: &tally)
                    }
                }
            }
            if point % 10 == 0 {
                progress("\(scenario): crash point \(point) of \(states.recordCount): "
                         + "\(tally.statesChecked) states checked, \(tally.failures) failures")
            }
        }
        return tally
    }

    /// Appends `text` to the file `MPOP_CRASH_REPORT` names, if any.
    private func report(_ text: String) {
        guard let path = ProcessInfo.processInfo.environment["MPOP_CRASH_REPORT"],
              let handle = FileHandle(forWritingAtPath: path) ?? {
                  _ = FileManager.default.createFile(atPath: path, contents: nil)
                  return FileHandle(forWritingAtPath: path)
              }() else { return }
        handle.seekToEndOfFile()
        handle.write(Data((text + "\n").utf8))
        handle.closeFile()
    }

    private struct Key: Hashable {
        let fingerprint: Fingerprint
        let server: String
        let sameBoot: Bool
    }

    /// Puts the state and the server's copy in place, runs mpop, and
    /// counts what it did.
    private func check(_ tree: FileTree, server: String, environment: [String: String], sameBoot: Bool,
                       procStat: String, description: String, into tally: inout Tally) throws {
        try tree.write(to: home.path)
        try "btime \(Int(Date().timeIntervalSince1970) + 1)\n".write(toFile: procStat, atomically: false, encoding: .utf8)
        try DirectoryCopy.replace(mailbox.maildir, with: server)
        let durable = durableUIDs(in: tree)
        let result = try run(environment: environment)
        var problems: [String] = []
        if result.status != 0 {
            if result.status == 65 { tally.unreadable += 1 } else { tally.failedRuns += 1 }
            problems.append("exit \(result.status): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if let damaged = durable.damage {
            tally.unreadable += 1
            problems.append("the UIDLs file does not parse: \(damaged)")
        }
        let delivered = deliveredIDs
        let outcome = ledger.outcome(deliveredIDs: delivered, server: mailbox)
        tally.lost += outcome.lost.count
        if !outcome.lost.isEmpty { problems.append("lost \(outcome.lost)") }
        // A message the UIDLs file calls seen is never fetched again: with
        // keep on, one that is not in the mailbox is lost to its reader
        // even though the server still has it.
        let seenButMissing = seenMessageIDs().subtracting(delivered).intersection(ledger.sentIDs)
        tally.lost += seenButMissing.count
        if !seenButMissing.isEmpty { problems.append("seen but not delivered \(seenButMissing.sorted())") }
        for id in outcome.duplicated {
            let uid = messageIDsByUID.first { $0.value == id }?.key
            if !sameBoot, let uid, !durable.uids.contains(uid) {
                tally.refetched += 1
                report("\(description):\n    fetched again (documented): \(id) (UID \(uid))")
            } else {
                tally.duplicated += 1
                problems.append("duplicated \(id) (UID \(uid ?? "?"), durably recorded before the crash: "
                                + "\(uid.map { durable.uids.contains($0) } ?? false))")
            }
        }
        let torn = tornMessages
        tally.torn += torn.count
        problems += torn.map { "torn: \($0)" }
        if !outcome.unexpected.isEmpty && torn.isEmpty {
            tally.torn += outcome.unexpected.count
            problems.append("unexpected \(outcome.unexpected)")
        }
        let expectedOnServer = scenario.keep ? ledger.sentIDs.count : 0
        if result.status == 0 && outcome.leftOnServer != expectedOnServer {
            tally.leftOnServer += 1
            problems.append("\(outcome.leftOnServer) messages on the server, not \(expectedOnServer)")
        }
        if !problems.isEmpty {
            let text = "\(description):\n    " + problems.joined(separator: "\n    ")
            tally.problems.append(text)
            report(text + "\n    stderr: " + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The Message-IDs of the messages the UIDLs file lists as seen now.
    private func seenMessageIDs() -> Set<String> {
        guard let bytes = FileManager.default.contents(atPath: home.url(uidlsPath)),
              let lists = try? UIDLsParser.parse([UInt8](bytes), fileName: uidlsPath) else { return [] }
        var ids: Set<String> = []
        for list in lists {
            for uid in list.uidStrings {
                if let id = messageIDsByUID[uid] ?? nil { ids.insert(id) }
            }
        }
        return ids
    }

    /// The UIDs the state holds for good: those of its UIDLs file, and
    /// those of its journal's records above a durability marker (which
    /// count after any crash); or what keeps the UIDLs file from parsing.
    private func durableUIDs(in tree: FileTree) -> (uids: Set<String>, damage: String?) {
        var uids: Set<String> = []
        if let bytes = tree.file(at: uidlsPath) {
            do {
                for list in try UIDLsParser.parse(bytes, fileName: uidlsPath) {
                    uids.formUnion(list.uidStrings)
                }
            } catch {
                return ([], "\(error)")
            }
        }
        if let journal = tree.file(at: uidlsPath + ".journal") {
            let records = UIDLsJournalReplay.replay(journal, currentBootID: nil).records
            for record in records where record.intent == nil && record.batch == nil {
                uids.insert(String(decoding: record.uid, as: UTF8.self))
            }
        }
        return (uids, nil)
    }
}
