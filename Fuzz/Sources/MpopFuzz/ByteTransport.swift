import POP3Core

/// A server that sends fixed bytes in chunks of varying size and ignores
/// what the client writes, so every parser sees every split of its input.
final class ByteTransport: Transport {
    private let bytes: [UInt8]
    private var offset = 0
    private var chunk: Int
    private let seed: Int
    /// Sees every write (the client's commands), for invariants on them.
    var onWrite: (([UInt8]) -> Void)?

    /// - Parameter seed: picks the chunk sizes (1 to 17 bytes, or all at once when 0).
    init(_ bytes: [UInt8], seed: UInt8) {
        self.bytes = bytes
        self.seed = Int(seed)
        chunk = Int(seed % 17)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < bytes.count else { return 0 }
        var n = min(buffer.count, bytes.count - offset)
        if chunk > 0 {
            n = min(n, chunk)
            chunk = (chunk * 7 + seed) % 17 + 1
        }
        buffer.copyBytes(from: bytes[offset..<offset + n])
        offset += n
        return n
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        onWrite?(Array(bytes))
    }

    func close() {}
}

extension Array where Element == UInt8 {
    /// The first byte as a seed and the rest as the input proper.
    var seedAndBody: (UInt8, [UInt8]) {
        guard let first else { return (0, []) }
        return (first, Array(dropFirst()))
    }

    /// Lines split at line feeds, carriage returns dropped.
    var plainLines: [[UInt8]] {
        split(separator: 10, omittingEmptySubsequences: false).map { $0.filter { $0 != 13 } }
    }
}
