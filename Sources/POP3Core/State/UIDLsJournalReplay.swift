#if canImport(Glibc)
import Glibc
#endif

/// Which journal records a new run may count as delivered.
///
/// A record is written as soon as its message is committed, with a plain
/// `write`: once that returns, the record survives the end of the process,
/// even by SIGKILL or the OOM killer, because the kernel still holds it.
/// It survives a power loss or a crash of the machine only once it is
/// followed by a durability marker, which mpop writes and syncs after the
/// messages themselves are on disk. So, reading a journal:
///
/// - records before the last `@durable` line always count;
/// - records after it count only when they were written since the machine
///   last booted (the `@boot` line before them names the boot), since then
///   the kernel kept them and the messages they stand for;
/// - unmarked records followed by the `@boot` line of another boot never
///   count, not even above a later marker: the run of that other boot did
///   not count them, and the marker covers only its own records.
///
/// ```
/// # mpop UIDLs journal: ...
/// @boot 6f1c1d5e-3c7a-4d8e-9e1a-0b6c2f4a9d11
/// pop.example.org alice uid-1 1c291ca3
/// pop.example.org alice uid-2 0a7d13f2
/// @durable
/// pop.example.org alice uid-3 5e0c9b11
/// ```
public enum UIDLsJournalReplay {
    static let bootPrefix = Array("@boot ".utf8)
    static let durableLine = Array("@durable".utf8)

    /// The line that starts a run's records.
    static func bootLine(_ bootID: String) -> [UInt8] {
        bootPrefix + Array(bootID.utf8) + [UInt8(ascii: "\n")]
    }

    /// The marker that makes every record above it count after any crash.
    static let durableMarker = durableLine + [UInt8(ascii: "\n")]

    /// The records to count, in order, and whether some of them still wait
    /// for their marker (then the caller syncs and marks them: a run after
    /// a kill must not rely on them, for example by deleting their messages
    /// on the server, before they are durable); and the records after the
    /// last marker that do not count (written in an earlier boot), whose
    /// deliveries may have left part of their messages on disk.
    /// - Parameter currentBootID: this boot's id, or `nil` when unknown (then
    ///   only records followed by a marker count).
    public static func replay(_ bytes: [UInt8], currentBootID: String?)
        -> (records: [UIDLsJournalRecord], unmarked: Bool, dropped: [UIDLsJournalRecord]) {
        var accepted: [UIDLsJournalRecord] = []
        // Records after the last marker, each run's under its own boot.
        var pending: [(boot: String?, record: UIDLsJournalRecord)] = []
        var boot: String?
        var start = 0
        while let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = UIDLsJournalRecord.afterHole(bytes[start..<end])
            start = end + 1
            if line.elementsEqual(durableLine) {
                accepted += pending.map(\.record)
                pending = []
            } else if line.starts(with: bootPrefix) {
                boot = String(decoding: line.dropFirst(bootPrefix.count), as: UTF8.self)
                // A run of this boot came after them: their boot ended
                // before a marker, so its run dropped them and fetched
                // their messages again. A later marker must not count them.
                pending.removeAll { $0.boot != boot }
            } else if let record = UIDLsJournalRecord.decode(line) {
                pending.append((boot, record))
            }
        }
        let survives = { (entry: (boot: String?, record: UIDLsJournalRecord)) in
            currentBootID != nil && entry.boot == currentBootID
        }
        let survivors = pending.filter(survives)
        return (accepted + survivors.map(\.record), !survivors.isEmpty, pending.filter { !survives($0) }.map(\.record))
    }

    /// The UIDs that `records` (as ``replay(_:currentBootID:)`` accepted
    /// them) show delivered, grouped by host and user in the order of their
    /// first record, each with its first-seen time when it has one: every
    /// delivered record, and a pending one only when its proof holds (the
    /// file its delivery agent was to write is there).
    static func deliveredUIDs(in records: [UIDLsJournalRecord])
        -> [(host: String, user: String, uids: [[UInt8]], firstSeen: [Int64?])] {
        var groups: [(host: String, user: String, uids: [[UInt8]], firstSeen: [Int64?])] = []
        for record in records where record.intent == nil && record.batch == nil && (record.proof?.holds() ?? true) {
            if let index = groups.firstIndex(where: { $0.host == record.host && $0.user == record.user }) {
                groups[index].uids.append(record.uid)
                groups[index].firstSeen.append(record.firstSeen)
            } else {
                groups.append((record.host, record.user, [record.uid], [record.firstSeen]))
            }
        }
        return groups
    }

    /// The appends to an mbox that `records` announce and never show
    /// completed, each message's records together.
    ///
    /// A message's records count until a later record of the same message
    /// says it was completed (or abandoned by the writer). A write at the
    /// message's start begins a new attempt and ends the earlier ones: a
    /// run killed again while writing the message anew must not have its
    /// records checked against the bytes it cut.
    static func interruptedAppends(in records: [UIDLsJournalRecord]) -> [[AppendIntent]] {
        struct MessageKey: Equatable {
            let host: String
            let user: String
            let uid: [UInt8]
        }
        var appends: [(key: MessageKey, intents: [AppendIntent])] = []
        for record in records where record.batch == nil {
            let key = MessageKey(host: record.host, user: record.user, uid: record.uid)
            if let intent = record.intent {
                // The first write of a new attempt at the message: the run
                // that made it had repaired the mbox after the earlier one.
                if intent.start == intent.messageStart {
                    appends.removeAll { $0.key == key }
                }
                if let index = appends.lastIndex(where: { $0.key == key }) {
                    appends[index].intents.append(intent)
                } else {
                    appends.append((key, [intent]))
                }
                continue
            }
            appends.removeAll { $0.key == key }
        }
        return appends.map(\.intents)
    }

    /// When the machine booted, in seconds since the epoch (`btime` in
    /// `/proc/stat`), or `nil` when it cannot be read.
    public static func bootTime() -> Int? {
        let fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard case .success(let bytes) = FileSystem.readAll(fd) else { return nil }
        let prefix = Array("btime ".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: prefix) {
            return Int(String(decoding: line.dropFirst(prefix.count), as: UTF8.self))
        }
        return nil
    }

    /// The kernel's id of this boot, or `nil` when it cannot be read.
    public static func currentBootID() -> String? {
        let fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
            .filter { $0.isHexDigit || $0 == "-" }
        return text.isEmpty ? nil : text
    }
}
