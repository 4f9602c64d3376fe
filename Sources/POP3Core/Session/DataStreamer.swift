/// Streams the data of a RETR or TOP reply to a consumer that may first need
/// the envelope sender from the header.
///
/// When the sender is needed, the header (up to the blank line) is held in
/// memory, at most ``headerLimit`` bytes, then the consumer starts and gets
/// the held pieces followed by the rest. mpop used a temporary file; memory
/// with a bound keeps large headers from growing without limit: past the
/// bound the sender is taken from what was seen so far.
struct DataStreamer {
    typealias Append = (UnsafeRawBufferPointer, _ endsLine: Bool) throws -> Void

    static let headerLimit = 1 << 20

    /// - Parameters:
    ///   - needsEnvelopeFrom: hold the header back to find the sender first.
    ///   - begin: starts the consumer with the sender (or `nil`) and returns
    ///     where pieces go.
    ///   - observe: sees every piece first (for progress and abort checks).
    /// - Throws: ``POP3Error/emptyReply`` on a premature end, and what the
    ///   consumer or transport throw.
    static func stream(from reader: LineReader, needsEnvelopeFrom: Bool,
                       begin: (String?) throws -> Append,
                       observe: (MultilineReader.Piece) throws -> Void) throws {
        var append: Append? = needsEnvelopeFrom ? nil : try begin(nil)
        // The held pieces, back to back in one buffer (no allocation per
        // header line), and where each ends.
        var held: [UInt8] = []
        var heldPieces: [(end: Int, endsLine: Bool)] = []
        var atLineStart = true
        var scanner = EnvelopeSender()
        func release() throws {
            let target = try begin(scanner.result)
            append = target
            try held.withUnsafeBytes { bytes in
                var start = 0
                for (end, endsLine) in heldPieces {
                    try target(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), endsLine)
                    start = end
                }
            }
            held = []
            heldPieces = []
        }
        try MultilineReader.readData(from: reader) { piece in
            try observe(piece)
            if let append {
                try append(piece.bytes, piece.endsLine)
                return
            }
            if atLineStart { scanner.consider(line: piece.bytes) }
            let headerEnds = atLineStart && piece.endsLine && piece.bytes.isEmpty
            held.append(contentsOf: piece.bytes)
            heldPieces.append((held.count, piece.endsLine))
            atLineStart = piece.endsLine
            if headerEnds || held.count > headerLimit { try release() }
        }
        if append == nil { try release() }
    }
}
