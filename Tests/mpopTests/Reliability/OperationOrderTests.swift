import Foundation
import Testing
import TestSupport

/// The order of operations for every message, watched from outside the
/// real binary (no strace): the fault library logs, in the order they
/// begin, the file system calls under our home, every `send` (the POP3
/// commands: the connection is not encrypted), and the journal's content
/// whenever it changed. `-d` gives each message's number, UID and
/// Message-ID. For each message:
///
/// 1. delivered: its file is complete (its last write; a maildir file is
///    written in `tmp/`);
/// 2. recorded: its UID is in the journal (right after the commit, before
///    any sync: a kill from then on cannot make it look new);
/// 3. synced: an fsync of its file (or the mbox); a maildir file is then
///    linked into `new/`, after a pending record naming it; then an fsync
///    of the directories whose entries changed (`new/` and `tmp/`; the
///    pickup directory);
/// 4. marked: a `@durable` line after its record, written only after 3;
/// 5. only then `DELE n`.
///
/// The marker's `fdatasync` runs in a background thread and is not waited
/// for (Docs/Architecture.md): a marker that a crash of the machine loses
/// costs a second download of messages that were synced before it, never a
/// message. So the test asserts that it happens after the marker, not that
/// it comes before the DELE.
///
/// What this can and cannot see:
/// - The journal's appends are stores into a shared mapping, no system
///   calls: a record or marker shows up in the snapshot taken as the next
///   logged call begins. Calls of one thread begin after its earlier calls
///   ended, so "absent when the directory's fsync began, present when the
///   DELE's send began" proves the marker was written between the two.
/// - The log orders calls by when they began. For the main thread that is
///   program order; the background sync is ordered against it only by its
///   start, so its place relative to the DELE is timing, not a promise.
/// - A successful `fsync` is what a program can know; whether the disk
///   kept its word after a power cut needs a crash rig (a VM, dm-log-writes)
///   and is out of reach here.
/// - The DELE's bytes leaving the process is the last point we control;
///   the server deletes only at QUIT.
@Suite struct OperationOrderTests {
    typealias Delivery = FailingSyncTests.Delivery

    @Test(arguments: Delivery.allCases)
    func eachMessageIsDeliveredRecordedSyncedAndMarkedBeforeItsDELE(_ delivery: Delivery) throws {
        let rig = try FaultSweepRig(delivery: delivery, messageCount: 4)
        defer { rig.stop() }
        try rig.reset()
        let log = rig.scratch.url("order.log")
        let faults = FaultInjection(pathPrefix: rig.side.home.path, calls: [], logFile: log, watchedFile: rig.journal)
        let run = try rig.run(["-d", "test"], faults: faults)
        try #require(run.status == 0, "\(run.stderr)")
        #expect(rig.side.mailbox.messages.isEmpty)
        let entries = FaultLog.read(log).entries
        let dialogue = Dialogue(run.stdout)
        try #require(dialogue.messageIDs.count == 4 && dialogue.uids.count == 4, "\(run.stdout)")
        let home = FaultInjection.resolved(rig.side.home.path)

        /// The first entry from `start` on that satisfies `condition`.
        func first(after start: Int, where condition: (FaultLog.Entry) -> Bool) -> FaultLog.Entry? {
            entries.first { $0.sequence > start && condition($0) }
        }
        func journal(_ entry: FaultLog.Entry) -> JournalSnapshot? {
            entry.call == "watch" ? JournalSnapshot(entry.payload) : nil
        }

        for number in 1...4 {
            let id = try #require(dialogue.messageIDs[number]), uid = try #require(dialogue.uids[number])
            let label = "\(delivery), message \(number) \(id)"
            let dele = try #require(entries.first { $0.call == "send" && $0.text.contains("DELE \(number)\r\n") },
                                    "\(label): no DELE")
            // 1. Delivered.
            let firstWrite = try #require(entries.first { $0.call == "write" && $0.text == id }, "\(label): no write")
            let file = firstWrite.path
            // Its last write: the file's (or the mbox's) writes before another message's.
            let next = first(after: firstWrite.sequence) { $0.call == "write" && !$0.text.isEmpty || $0.call == "fsync" }
            let delivered = entries.last { $0.call == "write" && $0.path == file && $0.sequence >= firstWrite.sequence
                && $0.sequence < (next?.sequence ?? Int.max) } ?? firstWrite
            // 2. Recorded.
            let recorded = try #require(first(after: delivered.sequence) { journal($0)?.recordedUIDs.contains(uid) == true },
                                        "\(label): never recorded")
            // 3. Synced: the file, then the directories.
            let baseName = String(file.split(separator: "/").last!)
            let fileSync = try #require(first(after: delivered.sequence) {
                $0.call == "fsync" && (delivery == .mbox ? $0.path == file : $0.path.contains("/" + baseName))
            }, "\(label): its file was never synced")
            var lastSync = fileSync
            // A maildir file moves from tmp/ to new/ only once it is synced.
            var linked: FaultLog.Entry?
            if delivery == .maildir {
                #expect(file.contains("/tmp/"), "\(label): written outside tmp/: \(file)")
                let link = try #require(first(after: fileSync.sequence) { $0.call == "link" && $0.path.hasSuffix("/new/" + baseName) },
                                        "\(label): never linked into new/ after its sync")
                let pending = entries.last { $0.sequence < link.sequence && journal($0)?.pendingUIDs.contains(uid) == true }
                #expect(pending != nil, "\(label): no pending record before the link")
                #expect(!entries.contains { $0.sequence < fileSync.sequence && $0.call == "link" && $0.path.hasSuffix("/new/" + baseName) },
                        "\(label): linked into new/ before its sync")
                linked = link
                lastSync = link
            }
            let directories = switch delivery {
            case .maildir: [FaultInjection.resolved(rig.target) + "/new", FaultInjection.resolved(rig.target) + "/tmp"]
            case .exchange: [FaultInjection.resolved(rig.target)]
            case .mbox: [home]
            }
            for directory in directories {
                let sync = first(after: (linked ?? fileSync).sequence) { $0.call == "fsync" && $0.path == directory }
                func check() throws {
                    let directorySync = try #require(sync, "\(label): \(directory) never synced after the file")
                    #expect(directorySync.sequence < dele.sequence, "\(label): \(directory) synced after the DELE")
                    lastSync = directorySync.sequence > lastSync.sequence ? directorySync : lastSync
                }
                try check()
            }
            // 4. Marked: absent when the last sync began, there by the DELE.
            let marked = try #require(first(after: recorded.sequence) { journal($0)?.markedUIDs.contains(uid) == true },
                                      "\(label): never marked durable")
            let markedBeforeSync = entries.contains { $0.sequence < lastSync.sequence && journal($0)?.markedUIDs.contains(uid) == true }
            #expect(!markedBeforeSync, "\(label): marked durable before its sync")
            // The background sync of the journal, somewhere after the marker.
            let journalSync = first(after: marked.sequence) { $0.call == "fdatasync" && $0.path == FaultInjection.resolved(rig.journal) }
            #expect(journalSync != nil, "\(label): the journal was never synced after its marker")
            // 5. The order.
            var steps = [("delivered", delivered), ("recorded", recorded), ("file synced", fileSync)]
            if let linked { steps.append(("linked into new/", linked)) }
            if lastSync.sequence != (linked ?? fileSync).sequence { steps.append(("directories synced", lastSync)) }
            steps += [("marked", marked), ("DELE", dele)]
            let calls = entries.map(\.description).joined(separator: "\n")
            // The record may come before the syncs (see 2).
            for (earlier, later) in zip(steps, steps.dropFirst()) where earlier.0 != "recorded" {
                let order = "\(earlier.0) #\(earlier.1.sequence) not before \(later.0) #\(later.1.sequence)"
                #expect(earlier.1.sequence < later.1.sequence, "\(label): \(order)\n\(calls)")
            }
            #expect(recorded.sequence > delivered.sequence && recorded.sequence < marked.sequence, "\(label)")
        }
    }

    /// What `-d` shows of the messages: the UIDL listing and, for each
    /// RETR in the order sent, the Message-ID in its reply.
    struct Dialogue {
        var uids: [Int: String] = [:]
        var messageIDs: [Int: String] = [:]

        /// Follows the `-d` dialogue reply by reply, so that pipelined
        /// commands (written before their replies are read) are matched up.
        init(_ transcript: String) {
            var awaiting: [String] = []
            var listing: String?
            // isNewline: "\r\n" is one Character.
            for line in transcript.split(whereSeparator: \.isNewline) {
                if line.hasPrefix("--> ") {
                    awaiting.append(String(line.dropFirst(4)))
                    continue
                }
                guard line.hasPrefix("<-- ") else { continue }
                let text = line.dropFirst(4)
                if let command = listing {
                    if text == "." {
                        listing = nil
                    } else if command == "UIDL" {
                        let fields = text.split(separator: " ")
                        if fields.count == 2, let number = Int(fields[0]) { uids[number] = String(fields[1]) }
                    } else if command.hasPrefix("RETR "), let number = Int(command.dropFirst(5)),
                              text.lowercased().hasPrefix("message-id: ") {
                        messageIDs[number] = String(text.dropFirst("Message-ID: ".count))
                    }
                    continue
                }
                // The greeting answers no command.
                guard !awaiting.isEmpty else { continue }
                let command = awaiting.removeFirst()
                let multiline = ["CAPA", "LIST", "UIDL"].contains(command) || command.hasPrefix("RETR ")
                    || command.hasPrefix("TOP ")
                if multiline && text.hasPrefix("+OK") { listing = command }
            }
        }
    }

    /// The journal as one snapshot showed it, read independently of the
    /// code under test: `HOST USER UID CRC` records, pending records with a
    /// file and size before the CRC, and `@durable` markers.
    struct JournalSnapshot {
        var recordedUIDs: Set<String> = []
        var pendingUIDs: Set<String> = []
        /// Records with a marker after them.
        var markedUIDs: Set<String> = []

        init(_ bytes: [UInt8]) {
            var unmarked: [String] = []
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                if line == "@durable" {
                    markedUIDs.formUnion(unmarked)
                    unmarked = []
                    continue
                }
                guard !line.hasPrefix("#"), !line.hasPrefix("@") else { continue }
                let fields = line.split(separator: " ")
                switch fields.count {
                case 4:
                    recordedUIDs.insert(String(fields[2]))
                    unmarked.append(String(fields[2]))
                case 6:
                    pendingUIDs.insert(String(fields[2]))
                default:
                    continue
                }
            }
        }
    }
}
