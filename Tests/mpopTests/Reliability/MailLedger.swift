import Foundation
import TestSupport

/// Counts what became of sent mail: every message carries its own
/// Message-ID, so "lost" (sent, neither delivered nor still on the server)
/// and "duplicated" (delivered more than once) can be counted.
struct MailLedger {
    private(set) var sentIDs: Set<String> = []
    /// The size each sent message was made with, by its index.
    private(set) var sizes: [Int: Int] = [:]
    private var nextIndex: Int

    /// A ledger whose first message has `firstIndex` in its Message-ID (a
    /// test that refills one mailbox many times keeps its messages apart).
    init(firstIndex: Int = 1) {
        nextIndex = firstIndex
    }

    /// Puts `count` new messages of about `size` bytes into `mailbox`;
    /// returns them by Message-ID.
    @discardableResult
    mutating func send(_ count: Int, size: Int = 3_000, to mailbox: ServerMailbox) throws -> [String: Data] {
        var sent: [String: Data] = [:]
        for _ in 0..<count {
            let index = nextIndex
            nextIndex += 1
            let message = SampleMessage.make(index: index, size: size)
            try mailbox.put(message, name: String(format: "%010d.M%07dP1.ledger", 1_700_000_000 + index, index))
            sentIDs.insert("<sample-\(index)@example.org>")
            sent["<sample-\(index)@example.org>"] = message
            sizes[index] = size
        }
        return sent
    }

    /// The sample message a Message-ID names, as it was sent, if the
    /// ledger sent it.
    func sentMessage(_ id: String) -> Data? {
        guard let index = Int(id.dropFirst("<sample-".count).prefix { $0.isNumber }), let size = sizes[index],
              id == "<sample-\(index)@example.org>" else { return nil }
        return SampleMessage.make(index: index, size: size)
    }

    /// The files directly in `directories` (a maildir's `new/` and `cur/`,
    /// an Exchange pickup directory) that are not one whole message the
    /// ledger sent, described: each must be header lines (the Received
    /// header) followed by the message, with `lineEnding` for its lines.
    func tornFiles(in directories: [String], lineEnding: String = "\n") -> [String] {
        var problems: [String] = []
        for directory in directories {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
                let data = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
                let ids = Self.messageIDs(in: data)
                guard ids.count == 1, var whole = sentMessage(ids[0]) else {
                    problems.append("\(directory)/\(name) (\(data.count) bytes) has \(ids.count) known Message-IDs")
                    continue
                }
                if lineEnding != "\n" {
                    whole = Data(String(decoding: whole, as: UTF8.self)
                        .replacingOccurrences(of: "\n", with: lineEnding).utf8)
                }
                let head = data.count >= whole.count ? data.prefix(data.count - whole.count) : Data()
                let headerOnly = String(decoding: head, as: UTF8.self).hasPrefix("Received: ") || head.isEmpty
                if data.count < whole.count || data.suffix(whole.count) != whole || !headerOnly
                    || head.range(of: Data((lineEnding + lineEnding).utf8)) != nil {
                    problems.append("\(directory)/\(name) (\(ids[0])) is not whole")
                }
            }
        }
        return problems
    }

    /// Message-IDs of the messages in a maildir's `new/` and `cur/`, with repeats.
    static func messageIDs(inMaildir maildir: String) -> [String] {
        var ids: [String] = []
        for sub in ["new", "cur"] {
            let dir = maildir + "/" + sub
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                let data = FileManager.default.contents(atPath: dir + "/" + name) ?? Data()
                ids.append(messageID(in: data) ?? "(no Message-ID: \(name))")
            }
        }
        return ids
    }

    static func messageID(in message: Data) -> String? {
        let text = String(decoding: message.prefix(8192), as: UTF8.self)
        // isNewline: an Exchange file's CRLF is one Character.
        for line in text.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix("message-id: ") {
            return String(line.dropFirst("Message-ID: ".count))
        }
        return nil
    }

    struct Outcome: CustomStringConvertible {
        var lost: [String]
        var duplicated: [String]
        var unexpected: [String]
        var leftOnServer: Int

        var description: String {
            "lost \(lost.count) \(lost.prefix(10)), duplicated \(duplicated.count) \(duplicated.prefix(10)), "
                + "unexpected \(unexpected.prefix(10)), left on server \(leftOnServer)"
        }
    }

    /// Message-IDs of the messages in an mbox, with repeats.
    static func messageIDs(inMbox path: String) -> [String] {
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.lowercased().hasPrefix("message-id: ") }
            .map { String($0.dropFirst("Message-ID: ".count)) }
    }

    /// The messages of an mbox that are not whole, described: each must be
    /// a From_ line, the Received header, the ledger's sample message it
    /// names (``SampleMessage/make(index:size:)`` with `size`) complete, and
    /// a blank line; the file must end after one.
    static func tornMessages(inMbox path: String, size: Int) -> [String] {
        tornMessages(inMbox: path, sentMessage: { SampleMessage.make(index: $0, size: size) })
    }

    /// ``tornMessages(inMbox:size:)`` for messages the ledger sent, each of
    /// its own size.
    func tornMessages(inMbox path: String) -> [String] {
        Self.tornMessages(inMbox: path, sentMessage: { index in sizes[index].map { SampleMessage.make(index: index, size: $0) } })
    }

    /// The messages of an mbox that are not whole, as above, with the
    /// message each index names (`nil`: not a message that was sent).
    static func tornMessages(inMbox path: String, sentMessage: (Int) -> Data?) -> [String] {
        let mbox = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        var problems: [String] = []
        if !mbox.isEmpty && !mbox.suffix(2).elementsEqual([10, 10]) {
            problems.append("the mbox does not end with a blank line")
        }
        // Messages start at "From " lines after a blank line (or the start).
        let separator = Array("\n\nFrom ".utf8)
        var starts = mbox.starts(with: Array("From ".utf8)) ? [0] : []
        var index = 0
        while index + separator.count <= mbox.count {
            if mbox[index] == 10 && mbox[index..<(index + separator.count)].elementsEqual(separator) {
                starts.append(index + 2)
                index += 2
            } else {
                index += 1
            }
        }
        for (begin, end) in zip(starts, starts.dropFirst() + [mbox.count]) {
            let message = Data(mbox[begin..<end])
            let ids = messageIDs(in: message)
            guard ids.count == 1, let number = Int(ids[0].dropFirst("<sample-".count).prefix { $0.isNumber }) else {
                problems.append("message at offset \(begin) has \(ids.count) Message-IDs")
                continue
            }
            guard let sent = sentMessage(number) else {
                problems.append("message at offset \(begin) (\(ids[0])) was never sent")
                continue
            }
            let whole = sent + Data("\n".utf8)
            if message.count < whole.count || message.suffix(whole.count) != whole {
                problems.append("message at offset \(begin) (\(ids[0])) is not whole")
            }
        }
        return problems
    }

    /// Every Message-ID header line's value in `message`.
    private static func messageIDs(in message: Data) -> [String] {
        String(decoding: message, as: UTF8.self).split(whereSeparator: \.isNewline)
            .filter { $0.lowercased().hasPrefix("message-id: ") }
            .map { String($0.dropFirst("Message-ID: ".count)) }
    }

    /// Message-IDs of the files directly in `directory` (an Exchange pickup
    /// directory), with repeats.
    static func messageIDs(inDirectory directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).map { name in
            let data = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
            return messageID(in: data) ?? "(no Message-ID: \(name))"
        }
    }

    /// What became of the sent mail, given the client's maildir and the server's mailbox.
    func outcome(delivered maildir: String, server: ServerMailbox) -> Outcome {
        outcome(deliveredIDs: Self.messageIDs(inMaildir: maildir), server: server)
    }

    /// What became of the sent mail, given the Message-IDs delivered (with
    /// repeats) and the server's mailbox.
    func outcome(deliveredIDs: [String], server: ServerMailbox) -> Outcome {
        var counts: [String: Int] = [:]
        for id in deliveredIDs { counts[id, default: 0] += 1 }
        let onServer = Set(server.messages.compactMap(Self.messageID(in:)))
        return Outcome(lost: sentIDs.subtracting(counts.keys).subtracting(onServer).sorted(),
                       duplicated: counts.filter { $0.value > 1 }.keys.sorted(),
                       unexpected: Set(counts.keys).subtracting(sentIDs).sorted(),
                       leftOnServer: server.messages.count)
    }
}
