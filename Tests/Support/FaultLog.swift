import Foundation

/// The calls one run made, as the fault library logged them
/// (``FaultInjection/logFile``), ordered by when each began.
///
/// What it can show: every `fsync`, `fdatasync`, `write`, `pwrite`,
/// `rename`, `link` and `ftruncate` on a path under the prefix (a
/// descriptor's path as `/proc/self/fd` names it when the call begins),
/// every `send` (the POP3 commands, readable when the connection is not
/// encrypted), and the watched file's content as it was when a logged call
/// began. What it cannot show: stores into a memory mapping (the journal's
/// appends), which appear only through the watched file at the next logged
/// call; and when a call ended, except that a thread begins its next call
/// after its last one ended.
public struct FaultLog: Sendable {
    public struct Entry: Sendable, CustomStringConvertible {
        /// Order of beginning, across threads.
        public var sequence: Int
        /// The kernel's id of the calling thread.
        public var thread: Int
        /// `fsync`, `write`, ..., `send`, `fallocate` (see
        /// ``FaultInjection/reserveErrno``), or `watch` for the watched file.
        public var call: String
        /// The candidate's index, or -1 for a call that was no candidate.
        public var candidateIndex: Int
        /// The `errno` injected, or 0.
        public var injectedErrno: Int32
        /// The file (`socket` for `send`). A descriptor's file that was
        /// unlinked since (a maildir's `tmp/NAME` once linked to `new/`)
        /// shows as `PATH (deleted)`.
        public var path: String
        /// `send`: the bytes sent; `write`/`pwrite`: the Message-ID in the
        /// bytes, if any; `watch`: the file's content.
        public var payload: [UInt8]

        public var text: String { String(decoding: payload, as: UTF8.self) }

        public var description: String {
            "#\(sequence) [\(thread)] \(call) \(path)"
                + (injectedErrno != 0 ? " -> errno \(injectedErrno)" : "")
                + (payload.isEmpty ? "" : " \(text.debugDescription)")
        }
    }

    public var entries: [Entry]

    /// Reads a log file (none: an empty log).
    public static func read(_ path: String) -> FaultLog {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        var entries: [Entry] = []
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: "\t"), maxSplits: 6, omittingEmptySubsequences: false)
            guard fields.count == 7, let sequence = Int(String(decoding: fields[0], as: UTF8.self)),
                  let thread = Int(String(decoding: fields[1], as: UTF8.self)),
                  let index = Int(String(decoding: fields[3], as: UTF8.self)),
                  let code = Int32(String(decoding: fields[4], as: UTF8.self)) else { continue }
            entries.append(Entry(sequence: sequence, thread: thread, call: String(decoding: fields[2], as: UTF8.self),
                                 candidateIndex: index, injectedErrno: code,
                                 path: String(decoding: fields[5], as: UTF8.self),
                                 payload: unescaped(fields[6])))
        }
        return FaultLog(entries: entries.sorted { $0.sequence < $1.sequence })
    }

    /// How many calls of each kind that faults can be injected into the
    /// run made under the prefix.
    public var counts: [FaultInjection.Call: Int] {
        var counts: [FaultInjection.Call: Int] = [:]
        for entry in entries {
            if let call = FaultInjection.Call(rawValue: entry.call) { counts[call, default: 0] += 1 }
        }
        return counts
    }

    /// Undoes the library's `%XX` escapes.
    static func unescaped(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                result.append(byte)
                continue
            }
            result.append(value)
        }
        return result
    }
}
