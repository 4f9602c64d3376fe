import Foundation

/// The mailbox an ``OldServer`` serves, shared by its connections: messages
/// (LF line ends, as on disk) with their UIDs. Deletions take effect when a
/// session ends with QUIT, as POP3 wants.
final class OldServerMaildrop: @unchecked Sendable {
    struct Message: Sendable {
        var uid: String
        var text: [UInt8]
    }

    private let lock = NSLock()
    private var messages: [Message]

    init(_ texts: [Data]) {
        messages = texts.enumerated().map { index, text in
            Message(uid: String(format: "%08x%08x", 0x5f5e_1000 + index, index + 1), text: Array(text))
        }
    }

    /// The messages still there, in order.
    var current: [Message] {
        lock.lock()
        defer { lock.unlock() }
        return messages
    }

    /// Removes the messages with these UIDs (an UPDATE state).
    func remove(uids: Set<String>) {
        lock.lock()
        messages.removeAll { uids.contains($0.uid) }
        lock.unlock()
    }
}
