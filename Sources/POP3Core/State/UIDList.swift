/// One list of a UIDLs file: the UIDs stored for a server host and user.
///
/// UIDs are kept as the raw bytes of their lines (in one ``UIDSequence``),
/// so a list read from a file written by another program is written back
/// byte for byte even when it is not valid UTF-8.
public struct UIDList: Equatable, Sendable {
    public var host: String
    public var user: String
    /// The UIDs, each without its line end (and without the first-seen
    /// time of mpop 1.4.23's format).
    public var uids: UIDSequence
    /// When each UID was first seen (UNIX time), for the UIDs whose line
    /// had one (mpop 1.4.23's `UID TIME`); a UID missing here was read from
    /// a 1.4.18-style line, or added without a time.
    public var firstSeen: [[UInt8]: Int64]

    public init(host: String, user: String, uids: UIDSequence, firstSeen: [[UInt8]: Int64] = [:]) {
        self.host = host
        self.user = user
        self.uids = uids
        self.firstSeen = firstSeen
    }

    public init(host: String, user: String, uids: [String], firstSeen: [String: Int64] = [:]) {
        self.init(host: host, user: user, uids: UIDSequence(uids),
                  firstSeen: Dictionary(firstSeen.map { (Array($0.key.utf8), $0.value) }, uniquingKeysWith: min))
    }

    /// The UIDs as strings (invalid UTF-8 decoded with replacement characters).
    public var uidStrings: [String] {
        uids.strings
    }

    /// The UIDs in `strcmp` order (byte order), without duplicates, as
    /// mpop writes them.
    public var sortedUniqueUIDs: UIDSequence {
        // A list read from a file mpop wrote is in order already: one
        // pass instead of a sort, and the list is shared, not copied.
        let uids = self.uids
        if uids.indices.dropFirst().allSatisfy({ uids.precedes($0 - 1, $0) }) {
            return uids
        }
        let order = uids.indices.sorted { uids.precedes($0, $1) }
        var sorted = UIDSequence()
        sorted.reserveCapacity(count: order.count, bytes: uids.bytes.count)
        var last: Int?
        for index in order {
            if let last, uids.uid(at: last, equalsUIDAt: index) { continue }
            sorted.append(uids, at: index)
            last = index
        }
        return sorted
    }
}
