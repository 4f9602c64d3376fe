/// What an mbox sink is about to append for one message, written to the
/// journal before the bytes go out: where the message starts, the stretch
/// this write covers, and the CRC-32 of each piece of it, cut at the file's
/// page boundaries (``pieceSize``).
///
/// A process killed in the middle of a write leaves a prefix of its pieces
/// (the kernel copies a buffered write page by page and stops between pages
/// when a fatal signal arrives), so a later run can tell, piece by piece,
/// how much of a torn message is provably ours: see ``MboxRepair``.
public struct AppendIntent: Equatable, Sendable {
    /// Absolute path of the mbox.
    public var path: String
    /// Where the message starts.
    public var messageStart: Int64
    /// The stretch this write covers, `start..<end`.
    public var start: Int64
    public var end: Int64
    /// The CRC-32 of each piece of the stretch, in order.
    public var pieceChecksums: [UInt32]

    public static let pieceSize: Int64 = 4096

    public init(path: String, messageStart: Int64, start: Int64, end: Int64, pieceChecksums: [UInt32]) {
        self.path = path
        self.messageStart = messageStart
        self.start = start
        self.end = end
        self.pieceChecksums = pieceChecksums
    }

    /// The pieces of `start..<end`: cut at multiples of ``pieceSize``.
    public var pieces: [Range<Int64>] {
        var ranges: [Range<Int64>] = []
        var position = start
        while position < end {
            let next = min(end, (position / Self.pieceSize + 1) * Self.pieceSize)
            ranges.append(position..<next)
            position = next
        }
        return ranges
    }

    /// The intent for writing `bytes` at `start`, for a message that starts
    /// at `messageStart`.
    static func make(path: String, messageStart: Int64, start: Int64, bytes: UnsafeRawBufferPointer) -> AppendIntent {
        var intent = AppendIntent(path: path, messageStart: messageStart, start: start,
                                  end: start + Int64(bytes.count), pieceChecksums: [])
        intent.pieceChecksums = intent.pieces.map { piece in
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[Int(piece.lowerBound - start)..<Int(piece.upperBound - start)]))
        }
        return intent
    }
}
