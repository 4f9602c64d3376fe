/// Bytes on their way to a file or a pipe, collected so that they are written
/// in large chunks: a small message costs one `write(2)`, however many lines
/// it has.
struct OutputBuffer {
    /// Past this many bytes a writer should flush before taking more.
    static let flushThreshold = 64 * 1024

    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(Self.flushThreshold + 4096)
    }

    var isEmpty: Bool { bytes.isEmpty }
    var count: Int { bytes.count }
    var needsFlush: Bool { bytes.count >= Self.flushThreshold }

    mutating func append(_ piece: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: piece)
    }

    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(_ piece: [UInt8]) {
        bytes.append(contentsOf: piece)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Empties the buffer and keeps its storage for the next message.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }
}
