/// Turns the engine's pieces of message lines into the bytes a sink stores:
/// every line gets the sink's line ending, and for mbox a line matching
/// `>*From ` gets one more `>` (MBOXRD quoting, which is reversible).
///
/// The engine has already removed the server's line endings and the dot
/// stuffing (mpop `pop3.c:pop3_pipe`); nothing else in the message changes,
/// lone CRs included.
struct LineEncoder {
    enum LineEnding {
        /// `\n`, for mbox, maildir, an MDA and a filter.
        case lf
        /// `\r\n`, for an Exchange pickup directory.
        case crlf
    }

    /// A line start this long that is still undecided (a run of `>`) is
    /// written unquoted, as mpop decides on its first 4,095-byte chunk.
    static let longestUndecidedStart = 4096

    let quotesFromLines: Bool
    let lineEnding: LineEnding
    /// True before the first byte of a line has been taken.
    private(set) var atLineStart = true
    /// The start of a line that cannot be classified yet because it ends in
    /// the middle of `>*From ` (only when pieces are cut very short).
    private var undecided: [UInt8] = []

    init(quotesFromLines: Bool = false, lineEnding: LineEnding = .lf) {
        self.quotesFromLines = quotesFromLines
        self.lineEnding = lineEnding
    }

    /// Appends one piece of a line; `endsLine` closes the line.
    mutating func encode(_ piece: UnsafeRawBufferPointer, endsLine: Bool, into out: inout OutputBuffer) {
        guard quotesFromLines && atLineStart else {
            out.append(piece)
            finishPiece(nonEmpty: piece.count > 0, endsLine: endsLine, into: &out)
            return
        }
        if undecided.isEmpty {
            switch Self.classify(piece) {
            case .quoted:
                out.append(UInt8(ascii: ">"))
            case .plain:
                break
            case .undecided where !endsLine:
                undecided.append(contentsOf: piece)
                return
            case .undecided:
                break
            }
            out.append(piece)
            finishPiece(nonEmpty: piece.count > 0, endsLine: endsLine, into: &out)
            return
        }
        undecided.append(contentsOf: piece)
        let start = undecided.withUnsafeBytes { Self.classify($0) }
        if start == .undecided && !endsLine && undecided.count < Self.longestUndecidedStart {
            return
        }
        if start == .quoted {
            out.append(UInt8(ascii: ">"))
        }
        out.append(undecided)
        undecided.removeAll(keepingCapacity: true)
        finishPiece(nonEmpty: true, endsLine: endsLine, into: &out)
    }

    /// Appends a whole line (a Received header line, the mbox `From_` line),
    /// never quoted.
    mutating func encodeRaw(_ line: String, into out: inout OutputBuffer) {
        out.append(line)
        appendLineEnding(into: &out)
    }

    /// Ends a line left open by the last piece, so that the next message
    /// (or the mbox separator line) starts on a line of its own.
    mutating func completeLine(into out: inout OutputBuffer) {
        guard !atLineStart || !undecided.isEmpty else { return }
        out.append(undecided)
        undecided.removeAll(keepingCapacity: true)
        appendLineEnding(into: &out)
        atLineStart = true
    }

    private mutating func finishPiece(nonEmpty: Bool, endsLine: Bool, into out: inout OutputBuffer) {
        if endsLine {
            appendLineEnding(into: &out)
            atLineStart = true
        } else if nonEmpty {
            atLineStart = false
        }
    }

    private func appendLineEnding(into out: inout OutputBuffer) {
        if lineEnding == .crlf {
            out.append(UInt8(ascii: "\r"))
        }
        out.append(UInt8(ascii: "\n"))
    }

    enum LineStart: Equatable {
        /// `>*From `: gets one more `>`.
        case quoted
        /// Anything else.
        case plain
        /// All of it so far is `>*` followed by a proper prefix of `From `.
        case undecided
    }

    /// Classifies the first bytes of a line for MBOXRD quoting.
    static func classify(_ bytes: UnsafeRawBufferPointer) -> LineStart {
        var index = 0
        while index < bytes.count && bytes[index] == UInt8(ascii: ">") {
            index += 1
        }
        let from: StaticString = "From "
        let available = bytes.count - index
        let compared = min(available, 5)
        let matches = from.withUTF8Buffer { pattern in
            (0..<compared).allSatisfy { bytes[index + $0] == pattern[$0] }
        }
        guard matches else { return .plain }
        return available >= 5 ? .quoted : .undecided
    }
}
