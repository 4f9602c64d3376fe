/// Bytes on their way to a file or a pipe, collected so that they are written
/// in large chunks: a small message costs one `write(2)`, however many lines
/// it has.
///
/// Its storage is allocated once and grown by doubling; an append is a
/// `memcpy` (an `Array` append of a buffer took several times as long, and
/// every line of every message goes through here).
final class OutputBuffer {
    /// Past this many bytes a writer should flush before taking more.
    static let flushThreshold = 64 * 1024

    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = Self.flushThreshold + 4096
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }
    var needsFlush: Bool { count >= Self.flushThreshold }

    /// The bytes collected so far, valid only during `body`.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// The bytes collected so far, as an array (for tests).
    var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    func append(_ piece: UnsafeRawBufferPointer) {
        guard let base = piece.baseAddress, piece.count > 0 else { return }
        reserve(piece.count)
        (storage + count).copyMemory(from: base, byteCount: piece.count)
        count += piece.count
    }

    func append(_ byte: UInt8) {
        reserve(1)
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func append(_ piece: [UInt8]) {
        piece.withUnsafeBytes { append($0) }
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Empties the buffer and keeps its storage for the next message.
    func removeAll() {
        count = 0
    }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }
}
