/// The messages of a mailbox during retrieval, compactly: per message its
/// LIST size (4 bytes, see ``MessageSizes``), one byte for its action and whether it is old, and its
/// first-seen time only where some message's differs from the session's
/// start; the UIDs stay in the ``UIDSequence`` that UIDL gave. A mailbox
/// of 100,000 messages costs about 0.5 MB here, besides its UIDs.
///
/// Element `i` is message `i + 1`; reading one builds a ``MessageRecord``,
/// and writing one stores its ``MessageRecord/action``,
/// ``MessageRecord/isOld`` and ``MessageRecord/firstSeen`` (its number and
/// size are fixed).
public struct MessageTable: RandomAccessCollection, MutableCollection, Sendable {
    /// The LIST size of each message.
    public let sizes: MessageSizes
    /// The UID of each message, or `nil` without UIDL.
    public let uids: UIDSequence?
    /// Bits 0–1: the action's raw value; bit 2: isOld.
    private var states: [UInt8]
    /// The first-seen time of every message that has no other.
    public let defaultFirstSeen: Int64
    /// Empty while every message has `defaultFirstSeen`, else one time per message.
    private var firstSeenTimes: [Int64] = []

    private static let oldBit: UInt8 = 4

    /// Messages of these sizes (and UIDs, one per size when given), all
    /// new, to be retrieved, first seen at `firstSeen`.
    public init(sizes: MessageSizes = [], uids: UIDSequence? = nil, firstSeen: Int64 = 0) {
        precondition(uids == nil || uids!.count == sizes.count, "one UID per message")
        self.sizes = sizes
        self.uids = uids
        states = [UInt8](repeating: MessageRecord.Action.normal.rawValue, count: sizes.count)
        defaultFirstSeen = firstSeen
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { sizes.count }

    public subscript(index: Int) -> MessageRecord {
        get {
            var record = MessageRecord(number: index + 1, size: sizes[index])
            record.action = action(at: index)
            record.isOld = isOld(at: index)
            record.firstSeen = firstSeenTimes.isEmpty ? defaultFirstSeen : firstSeenTimes[index]
            return record
        }
        set {
            states[index] = newValue.action.rawValue | (newValue.isOld ? Self.oldBit : 0)
            if firstSeenTimes.isEmpty && newValue.firstSeen != defaultFirstSeen {
                firstSeenTimes = [Int64](repeating: defaultFirstSeen, count: sizes.count)
            }
            if !firstSeenTimes.isEmpty { firstSeenTimes[index] = newValue.firstSeen }
        }
    }

    /// The action of message `index + 1`, without building its record.
    public func action(at index: Int) -> MessageRecord.Action {
        MessageRecord.Action(rawValue: states[index] & 3)!
    }

    /// Whether message `index + 1` is old, without building its record.
    public func isOld(at index: Int) -> Bool {
        states[index] & Self.oldBit != 0
    }

    /// The UID of message `index + 1` as a string, or `nil` without UIDL.
    public func uid(at index: Int) -> String? {
        uids?.string(at: index)
    }
}
