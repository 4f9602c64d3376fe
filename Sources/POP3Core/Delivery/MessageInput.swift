#if canImport(Glibc)
import Glibc
#endif

/// Splits a mail that arrives as a plain byte stream (mpop 1.4.23's
/// `--mda` reads one from standard input) into the pieces of lines that a
/// ``MessageWriter`` takes, as mpop's `mpop_mda` does:
///
/// - LF ends a line, and so does CRLF: the line ending is removed (one CR
///   before the LF; any other CR stays in the line), and the writer adds
///   its own (LF, or CRLF for Exchange).
/// - A last line without a line ending is a line all the same: the writer
///   ends it. An empty stream is an empty message.
/// - Nothing else changes: no dot-unstuffing (this is no POP3 reply), NUL
///   bytes and lone CRs pass through, and a line may be of any length.
///
/// Memory stays flat: one buffer of ``bufferSize`` bytes, whatever the size
/// of the mail or of its lines. A line longer than the buffer goes out in
/// pieces of nearly the buffer's size, so a line's first piece holds at
/// least its first 4,000 bytes, as ``MessageWriter/append(_:endsLine:)``
/// promises its writers.
///
/// mpop reads in chunks of 8,191 bytes and drops a CR that ends a chunk,
/// expecting an LF to start the next one; a lone CR that happens to fall
/// there is lost. Here a CR is held back until the next byte is known, so a
/// lone CR is kept wherever it falls.
public enum MessageInput {
    /// The default buffer: 64 KiB.
    public static let bufferSize = 1 << 16

    /// Reads the stream to its end and hands every line to `append`.
    /// - Parameters:
    ///   - bufferSize: the buffer's size; at least 4,096 bytes.
    ///   - read: fills (part of) the buffer it is given and returns how many
    ///     bytes it put there, 0 at the end of the stream; it may throw to
    ///     stop (a read error, a signal).
    ///   - append: takes a piece of a line without its line ending, and
    ///     whether the piece ends the line, as
    ///     ``MessageWriter/append(_:endsLine:)`` does.
    /// - Throws: what `read` or `append` throw; the pieces passed before
    ///   stay passed, so the caller aborts the writer.
    public static func feed<Failure: Error>(
        bufferSize: Int = bufferSize,
        read: (UnsafeMutableRawBufferPointer) throws(Failure) -> Int,
        append: (UnsafeRawBufferPointer, _ endsLine: Bool) throws(Failure) -> Void
    ) throws(Failure) {
        precondition(bufferSize >= 4096, "a line's first piece must hold its first 4,000 bytes")
        let carriageReturn = UInt8(ascii: "\r"), lineFeed = UInt8(ascii: "\n")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress!
        // The bytes of the current line not yet passed on are start..<end.
        var start = 0, end = 0
        while true {
            if start == end {
                start = 0
                end = 0
            } else if end == bufferSize {
                if start > 0 {
                    // Move the line's beginning to the front, so that its
                    // first piece can be a whole buffer long.
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                    end -= start
                    start = 0
                } else {
                    // One line fills the buffer: pass it on but for a last
                    // CR, which may be the first half of a CRLF.
                    let passed = buffer[end - 1] == carriageReturn ? end - 1 : end
                    try append(UnsafeRawBufferPointer(rebasing: buffer[0..<passed]), false)
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[passed..<end]))
                    end -= passed
                }
            }
            let count = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[end..<bufferSize]))
            precondition(count >= 0 && count <= bufferSize - end, "read returned \(count)")
            if count == 0 {
                if end > start {
                    try append(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), true)
                }
                return
            }
            var index = end
            end += count
            while index < end, let found = memchr(base + index, Int32(lineFeed), end - index) {
                index = base.distance(to: found)
                let lineEnd = index > start && buffer[index - 1] == carriageReturn ? index - 1 : index
                try append(UnsafeRawBufferPointer(rebasing: buffer[start..<lineEnd]), true)
                start = index + 1
                index += 1
            }
        }
    }
}
