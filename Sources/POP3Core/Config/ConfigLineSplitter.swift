/// Splits a configuration file into lines exactly as mpop's
/// `fgets(line, 501, f)` loop does (`conf.c:get_next_cmd`).
///
/// Each read takes at most 500 bytes, up to and including a `\n`. A chunk
/// without a `\n` that fills all 500 bytes is a line that is too long; a
/// shorter one is the last line of a file without a final newline. The text
/// is then a C string: it ends at the first NUL byte.
struct ConfigLineSplitter {
    static let bufferSize = 501

    private let bytes: [UInt8]
    private var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    enum Line: Equatable {
        /// A line without its `\n` or `\r\n`.
        case text([UInt8])
        /// 500 bytes without a newline.
        case tooLong
    }

    /// The next line, or `nil` at the end of the input.
    mutating func nextLine() -> Line? {
        guard position < bytes.count else { return nil }
        let limit = min(bytes.count, position + Self.bufferSize - 1)
        var end = position
        while end < limit {
            end += 1
            if bytes[end - 1] == UInt8(ascii: "\n") { break }
        }
        var chunk = Array(bytes[position..<end])
        position = end
        if let nul = chunk.firstIndex(of: 0) {
            chunk.removeSubrange(nul...)
        }
        if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
            chunk.removeSubrange(newline...)
            if chunk.last == UInt8(ascii: "\r") {
                chunk.removeLast()
            }
        } else if chunk.count == Self.bufferSize - 1 {
            return .tooLong
        }
        return .text(chunk)
    }
}
