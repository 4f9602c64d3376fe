#if canImport(Glibc)
import Glibc
#endif

/// Buffered reading of CRLF-terminated lines from a ``Transport``.
///
/// Reply lines (status lines, CAPA/LIST/UIDL lines) are bounded by
/// ``maximumLineLength``: a longer one throws ``POP3Error/lineTooLong(command:)``
/// instead of growing memory. Mail lines may be of any length: they are
/// handed out in pieces, the first of which holds at least the line's first
/// ``maximumLineLength`` − 1 bytes, so consumers that look at a line's start
/// (MBOXRD quoting needs 4,000 bytes) see it whole.
public final class LineReader {
    /// The largest reply line accepted, line ending included (64 KiB).
    public static let maximumLineLength = 65536

    private let transport: any Transport
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// Whether the next bytes handed out continue a line already begun.
    private var midLine = false
    public weak var observer: (any DialogueObserver)?

    public init(transport: any Transport, observer: (any DialogueObserver)? = nil) {
        self.transport = transport
        self.observer = observer
        storage = .allocate(byteCount: Self.maximumLineLength, alignment: 1)
    }

    deinit {
        storage.deallocate()
    }

    /// Bytes received but not yet consumed. STLS refuses to go on when this
    /// is not zero after its `+OK`, since they would bypass TLS.
    public var bufferedByteCount: Int { end - start }

    /// Reads one whole line and returns it without its line ending (`\n` and
    /// one `\r` before it are removed), or `nil` at the end of the stream.
    /// - Parameter command: the command the line answers, for the error text.
    /// - Throws: ``POP3Error/lineTooLong(command:)``, or the transport's error.
    public func readLine(command: String? = nil) throws -> [UInt8]? {
        try withLine(command: command) { Array($0) }
    }

    /// ``readLine(command:)`` without a copy: `body` sees the line in the
    /// reader's buffer, valid only during the call. Returns `body`'s result,
    /// or `nil` at the end of the stream.
    public func withLine<Result>(command: String? = nil,
                                 _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        while true {
            if let newline = findNewline() {
                let lineEnd = newline + 1
                report(from: start, to: lineEnd)
                var contentEnd = newline
                if contentEnd > start && storage[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: storage[start..<contentEnd])
                start = lineEnd
                midLine = false
                return try body(line)
            }
            if end - start >= Self.maximumLineLength {
                throw POP3Error.lineTooLong(command: command)
            }
            if try fill() == 0 {
                // A partial line before the end of the stream is not a reply.
                if end > start {
                    report(from: start, to: end)
                    throw POP3Error.invalidReply(serverMessage: nil)
                }
                return nil
            }
        }
    }

    /// Reads the next piece of a line of any length and passes it to `body`
    /// without its line ending, with `endsLine` set on the line's last piece.
    /// - Returns: false at the end of the stream (nothing was passed).
    /// - Throws: what `body` or the transport throws.
    public func readPiece(_ body: (UnsafeRawBufferPointer, _ endsLine: Bool) throws -> Void) throws -> Bool {
        while true {
            if let newline = findNewline() {
                let lineEnd = newline + 1
                report(from: start, to: lineEnd)
                var contentEnd = newline
                if contentEnd > start && storage[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                let piece = UnsafeRawBufferPointer(rebasing: storage[start..<contentEnd])
                start = lineEnd
                midLine = false
                try body(piece, true)
                return true
            }
            if start == 0 && end == storage.count {
                // The buffer holds a line's start and no end: hand it out,
                // keeping a final CR back in case its LF is next.
                var pieceEnd = end
                if storage[pieceEnd - 1] == UInt8(ascii: "\r") { pieceEnd -= 1 }
                report(from: start, to: pieceEnd)
                let piece = UnsafeRawBufferPointer(rebasing: storage[start..<pieceEnd])
                start = pieceEnd
                midLine = true
                try body(piece, false)
                return true
            }
            if try fill() == 0 {
                if end > start {
                    // The stream ended inside a line: deliver what there is;
                    // the caller sees the end of the stream on its next call.
                    report(from: start, to: end)
                    let piece = UnsafeRawBufferPointer(rebasing: storage[start..<end])
                    start = end
                    midLine = true
                    try body(piece, false)
                    return true
                }
                return false
            }
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        let region = UnsafeRawBufferPointer(rebasing: storage[start..<end])
        guard let base = region.baseAddress,
              let hit = memchr(base, 0x0A, region.count) else { return nil }
        return start + (UnsafeRawPointer(hit) - base)
    }

    /// Moves unread bytes to the front and reads more; returns the count read.
    private func fill() throws -> Int {
        if start > 0 {
            let count = end - start
            if count > 0, let base = storage.baseAddress {
                memmove(base, base + start, count)
            }
            start = 0
            end = count
        }
        guard end < storage.count else { return 0 }
        let n = try transport.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
        end += n
        return n
    }

    private func report(from: Int, to: Int) {
        guard let observer, to > from else { return }
        observer.received(UnsafeRawBufferPointer(rebasing: storage[from..<to]), continuesLine: midLine)
    }
}
