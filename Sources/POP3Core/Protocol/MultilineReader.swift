/// Reads the data part of a multi-line reply to RETR or TOP: lines up to the
/// one that is exactly `.`, with the byte-stuffing of RFC 1939 §3 undone.
///
///     S: +OK 120 octets
///     S: Subject: hi
///     S: ..leading dot          → ".leading dot"
///     S: .                      → end
///
/// Works on bytes in place: no per-line allocation, no String work.
public enum MultilineReader {
    /// One piece of a data line, as handed to the consumer.
    public struct Piece {
        /// The bytes, dot-unstuffed, without line ending.
        public let bytes: UnsafeRawBufferPointer
        /// Whether this is the line's last piece.
        public let endsLine: Bool
        /// Whether the line's leading dot was removed (set on its first piece).
        public let wasStuffed: Bool
    }

    /// Reads data lines until the terminating `.` line and passes each piece
    /// to `body`.
    /// - Throws: ``POP3Error/emptyReply`` when the stream ends before the
    ///   terminator (mpop 1.4.18 looped forever here), or what `body` or
    ///   the transport throw.
    public static func readData(from reader: LineReader, _ body: (Piece) throws -> Void) throws {
        var atLineStart = true
        var finished = false
        while !finished {
            let more = try reader.readPiece { raw, endsLine in
                var bytes = raw
                var stuffed = false
                if atLineStart, bytes.first == UInt8(ascii: ".") {
                    if endsLine && bytes.count == 1 {
                        finished = true
                        return
                    }
                    bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
                    stuffed = true
                }
                atLineStart = endsLine
                try body(Piece(bytes: bytes, endsLine: endsLine, wasStuffed: stuffed))
            }
            if !more && !finished { throw POP3Error.emptyReply }
        }
    }

    /// Reads the lines of a multi-line listing (CAPA, LIST, UIDL) until the
    /// `.` line, each bounded by ``LineReader/maximumLineLength``. As in mpop
    /// these lines are not unstuffed.
    /// - Parameter limit: the most lines accepted before the terminator.
    /// - Throws: ``POP3Error/emptyReply`` at the end of the stream,
    ///   ``POP3Error/invalidReplyTo(command:serverMessage:)`` beyond `limit`.
    public static func readListing(from reader: LineReader, command: String, limit: Int = .max,
                                   _ body: ([UInt8]) throws -> Void) throws {
        try readListingLines(from: reader, command: command, limit: limit) { try body(Array($0)) }
    }

    /// ``readListing(from:command:limit:_:)`` without a copy of each line:
    /// `body` sees it in the reader's buffer, valid only during the call.
    public static func readListingLines(from reader: LineReader, command: String, limit: Int = .max,
                                        _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var count = 0
        while true {
            let more = try reader.withLine(command: command) { line throws -> Bool in
                if line.count == 1 && line[0] == UInt8(ascii: ".") { return false }
                count += 1
                if count > limit { throw POP3Error.invalidReplyTo(command: command, serverMessage: nil) }
                try body(line)
                return true
            }
            guard let more else { throw POP3Error.emptyReply }
            if !more { return }
        }
    }
}
