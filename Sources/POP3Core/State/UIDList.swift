#if canImport(Glibc)
import Glibc
#endif

/// One list of a UIDLs file: the UIDs stored for a server host and user.
///
/// UIDs are kept as the raw bytes of their lines, so a list read from a
/// file written by another program is written back byte for byte even when
/// it is not valid UTF-8.
public struct UIDList: Equatable, Sendable {
    public var host: String
    public var user: String
    /// The UIDs, each without its line end (and without the first-seen
    /// time of mpop 1.4.23's format).
    public var uids: [[UInt8]]
    /// When each UID was first seen (UNIX time), for the UIDs whose line
    /// had one (mpop 1.4.23's `UID TIME`); a UID missing here was read from
    /// a 1.4.18-style line, or added without a time.
    public var firstSeen: [[UInt8]: Int64]

    public init(host: String, user: String, uids: [[UInt8]], firstSeen: [[UInt8]: Int64] = [:]) {
        self.host = host
        self.user = user
        self.uids = uids
        self.firstSeen = firstSeen
    }

    public init(host: String, user: String, uids: [String], firstSeen: [String: Int64] = [:]) {
        self.init(host: host, user: user, uids: uids.map { Array($0.utf8) },
                  firstSeen: Dictionary(firstSeen.map { (Array($0.key.utf8), $0.value) }, uniquingKeysWith: min))
    }

    /// The UIDs as strings (invalid UTF-8 decoded with replacement characters).
    public var uidStrings: [String] {
        uids.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The UIDs in `strcmp` order (byte order), without duplicates, as
    /// mpop writes them.
    public var sortedUniqueUIDs: [[UInt8]] {
        // A list read from a file mpop wrote is in order already: one
        // pass instead of a sort.
        if zip(uids, uids.dropFirst()).allSatisfy({ Self.precedes($0, $1) }) {
            return uids
        }
        var sorted = uids.sorted(by: Self.precedes)
        var write = 0
        for read in sorted.indices where write == 0 || sorted[read] != sorted[write - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeSubrange(write...)
        return sorted
    }

    /// `strcmp` order of two UIDs: bytes compared unsigned, a prefix first.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let common = Swift.min(a.count, b.count)
        let order = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common) }
        }
        return order != 0 ? order < 0 : a.count < b.count
    }
}
