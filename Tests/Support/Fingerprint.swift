import Foundation

/// A digest of a tree: two of the standard library's hashes (SipHash,
/// seeded per process) of the same bytes, under different prefixes. Good
/// for telling states apart within one process, not across processes.
public struct Fingerprint: Hashable, Sendable {
    let first: Int
    let second: Int

    struct Hasher {
        var first = Swift.Hasher()
        var second = Swift.Hasher()

        init() {
            first.combine(1)
            second.combine(2)
        }

        mutating func add(_ bytes: [UInt8]) {
            first.combine(bytes.count)
            second.combine(bytes.count)
            bytes.withUnsafeBytes {
                first.combine(bytes: $0)
                second.combine(bytes: $0)
            }
        }

        mutating func add(_ text: String) {
            add(Array(text.utf8))
        }

        var value: Fingerprint { Fingerprint(first: first.finalize(), second: second.finalize()) }
    }
}
