import Foundation

/// A maildir that a POP3 server serves: tests fill it before a run and look
/// at what is left on the server after it.
public struct ServerMailbox: Sendable {
    public let maildir: String
    let owner: (uid: uid_t, gid: gid_t)?

    public init(maildir: String, owner: (uid_t, gid_t)? = nil) {
        self.maildir = maildir
        self.owner = owner
    }

    /// Puts a message (LF line endings, as on disk) into `new/`.
    @discardableResult
    public func put(_ message: Data, name: String? = nil) throws -> String {
        let fileName = name ?? "\(Date().timeIntervalSince1970).M\(UInt32.random(in: 0...UInt32.max))P\(getpid()).test"
        let path = maildir + "/new/" + fileName
        try message.write(to: URL(fileURLWithPath: path))
        if let owner {
            chown(path, owner.uid, owner.gid)
        }
        return path
    }

    @discardableResult
    public func put(_ message: String, name: String? = nil) throws -> String {
        try put(Data(message.utf8), name: name)
    }

    /// Puts one generated message of about `size` bytes for each entry of
    /// `sizes`, and returns the messages in order.
    @discardableResult
    public func putMessages(sizes: [Int]) throws -> [Data] {
        var messages: [Data] = []
        for (index, size) in sizes.enumerated() {
            let message = SampleMessage.make(index: index + 1, size: size)
            try put(message, name: String(format: "%010d.M%06dP1.test", 1_700_000_000 + index, index))
            messages.append(message)
        }
        return messages
    }

    /// The messages still on the server (in `new/` and `cur/`), sorted by file name.
    public var messages: [Data] {
        var result: [Data] = []
        for sub in ["cur", "new"] {
            let dir = maildir + "/" + sub
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for name in names {
                if let data = FileManager.default.contents(atPath: dir + "/" + name) {
                    result.append(data)
                }
            }
        }
        return result
    }
}

/// Deterministic sample messages.
public enum SampleMessage {
    /// A message with headers and a body padded to about `size` bytes (LF
    /// endings), with the index in its subject and Message-ID.
    public static func make(index: Int, size: Int) -> Data {
        var text = """
            Return-Path: <sender\(index)@example.org>
            From: Sender \(index) <sender\(index)@example.org>
            To: alice@example.net
            Subject: sample message \(index)
            Message-ID: <sample-\(index)@example.org>

            This is sample message number \(index).

            """
        var line = 0
        while text.utf8.count < size {
            line += 1
            let filler = "line \(line) of message \(index): the quick brown fox jumps over the lazy dog\n"
            text += filler
        }
        return Data(text.utf8)
    }
}
