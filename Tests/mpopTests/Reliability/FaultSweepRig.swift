import Foundation
import TestSupport

/// One delivery's bed for many runs with injected faults: one dovecot, one
/// user, our home with `keep off`. Each scenario starts afresh
/// (``reset()``): the server's mailbox refilled with new messages, ours
/// empty, no UIDLs file.
///
/// The connection is not encrypted: the faults are on files, and a plain
/// connection lets the fault log read the POP3 commands.
final class FaultSweepRig {
    typealias Delivery = FailingSyncTests.Delivery

    let delivery: Delivery
    let dovecot: DovecotServer
    let side: SideBySide.Side
    /// The maildir, mbox or pickup directory.
    let target: String
    let messageCount: Int
    let messageSize: Int
    /// Tally and log files of the runs.
    let scratch: TemporaryDirectory
    private(set) var ledger = MailLedger()
    /// The messages of this scenario, by Message-ID, as the server holds them.
    private(set) var sent: [String: Data] = [:]
    private var nextIndex = 1

    init(delivery: Delivery, messageCount: Int, messageSize: Int = 1_500) throws {
        self.delivery = delivery
        self.messageCount = messageCount
        self.messageSize = messageSize
        dovecot = try DovecotServer()
        side = try SideBySide.Side(binary: .ours, dovecot: dovecot, user: "sweep", messages: [])
        scratch = try TemporaryDirectory(prefix: "mpop-sweep")
        target = try delivery.configure(side, for: dovecot, extra: "tls off\nkeep off")
    }

    func stop() {
        dovecot.stop()
    }

    /// The UIDLs file of the account, and its journal.
    var uidlsFile: String { side.home.url(".mpop_uidls/sweep_at_127.0.0.1") }
    var journal: String { uidlsFile + ".journal" }

    /// Empties both mailboxes and the UIDLs directory, then puts
    /// ``messageCount`` new messages on the server.
    func reset() throws {
        let files = FileManager.default
        for directory in [side.maildir + "/new", side.maildir + "/cur", side.maildir + "/tmp", side.home.url("pickup"),
                          side.mailbox.maildir + "/new", side.mailbox.maildir + "/cur", side.mailbox.maildir + "/tmp"] {
            for name in (try? files.contentsOfDirectory(atPath: directory)) ?? [] {
                try files.removeItem(atPath: directory + "/" + name)
            }
        }
        for path in [side.home.url("mbox"), side.home.url(".mpop_uidls")] where files.fileExists(atPath: path) {
            try files.removeItem(atPath: path)
        }
        ledger = MailLedger(firstIndex: nextIndex)
        sent = try ledger.send(messageCount, size: messageSize, to: side.mailbox)
        nextIndex += messageCount
    }

    func run(_ arguments: [String] = ["-q", "test"], faults: FaultInjection? = nil,
             timeout: Double = 30) throws -> RunResult {
        try side.binary.run(arguments, home: side.home.path, environment: try faults?.environment() ?? [:],
                            timeout: timeout)
    }

    /// The Message-IDs delivered, with repeats.
    var deliveredIDs: [String] {
        deliveredMessages.map { MailLedger.messageID(in: $0.bytes) ?? "(no Message-ID: \($0.name))" }
    }

    /// Each delivered message as it is stored: a file of the maildir
    /// (`new/` and `cur/`) or pickup directory, or one message of the mbox
    /// (its `From ` line and the blank line after it included).
    var deliveredMessages: [(name: String, bytes: Data)] {
        switch delivery {
        case .maildir:
            return ["new", "cur"].flatMap { files(in: target + "/" + $0) }
        case .exchange:
            return files(in: target)
        case .mbox:
            return Self.mboxMessages(FileManager.default.contents(atPath: target) ?? Data())
        }
    }

    /// Files that a reader must never see and that a run must not leave:
    /// a maildir's `tmp/`.
    var leftoverWorkingFiles: [String] {
        delivery == .maildir ? files(in: target + "/tmp").map(\.name) : []
    }

    /// The delivered messages that are not exactly one of the sent messages
    /// once the delivery's additions are taken off: torn or garbled.
    var tornMessages: [String] {
        deliveredMessages.compactMap { message in
            guard let content = Self.content(of: message.bytes, delivery: delivery),
                  let id = MailLedger.messageID(in: content), sent[id] == content else {
                return "\(message.name) (\(message.bytes.count) bytes)"
            }
            return nil
        }
    }

    private func files(in directory: String) -> [(name: String, bytes: Data)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.map { ($0, FileManager.default.contents(atPath: directory + "/" + $0) ?? Data()) }
    }

    /// An mbox cut into its messages, each from its `From ` line (MBOXRD
    /// quotes every other line that starts so) to the next; bytes before
    /// the first `From ` line count as a message of their own.
    static func mboxMessages(_ mbox: Data) -> [(name: String, bytes: Data)] {
        var messages: [(name: String, bytes: Data)] = []
        var start = mbox.startIndex
        var lineStart = mbox.startIndex
        let from = Data("From ".utf8)
        while lineStart < mbox.endIndex {
            let lineEnd = mbox[lineStart...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? mbox.endIndex
            if lineStart > start && mbox[lineStart...].starts(with: from) {
                messages.append(("mbox message \(messages.count + 1)", mbox[start..<lineStart]))
                start = lineStart
            }
            lineStart = lineEnd
        }
        if start < mbox.endIndex {
            messages.append(("mbox message \(messages.count + 1)", mbox[start..<mbox.endIndex]))
        }
        return messages
    }

    /// The message as the server holds it, from a delivered copy: without
    /// the Received header, and for an mbox without the `From ` line, the
    /// blank line after the message and MBOXRD quoting; for Exchange with
    /// LF line endings. `nil` when the copy does not have the shape its
    /// delivery gives every complete message.
    static func content(of delivered: Data, delivery: Delivery) -> Data? {
        var text = delivered
        if delivery == .exchange {
            guard text.hasSuffix(Data("\r\n".utf8)) else { return nil }
            text = Data(String(decoding: text, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        }
        var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Data($0) }
        // A complete message ends in a line feed: the split leaves "" last.
        guard lines.last == Data() else { return nil }
        lines.removeLast()
        if delivery == .mbox {
            guard lines.first?.starts(with: Data("From ".utf8)) == true, lines.last == Data() else { return nil }
            lines.removeFirst()
            lines.removeLast()
            lines = lines.map { line in
                let quotes = line.prefix { $0 == UInt8(ascii: ">") }.count
                return quotes > 0 && line.dropFirst(quotes).starts(with: Data("From ".utf8)) ? line.dropFirst() : line
            }
        }
        if lines.first?.starts(with: Data("Received: ".utf8)) == true {
            lines.removeFirst()
            while let first = lines.first, first.first == UInt8(ascii: "\t") || first.first == UInt8(ascii: " ") {
                lines.removeFirst()
            }
        }
        return lines.reduce(into: Data()) { $0 += $1 + [UInt8(ascii: "\n")] }
    }
}

private extension Data {
    func hasSuffix(_ suffix: Data) -> Bool {
        count >= suffix.count && self[index(endIndex, offsetBy: -suffix.count)...] == suffix
    }
}
