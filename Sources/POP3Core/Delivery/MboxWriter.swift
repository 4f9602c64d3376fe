#if canImport(Glibc)
import Glibc
#endif

/// One message being appended to an mbox; see ``MboxSink``.
final class MboxWriter: MessageWriter {
    private let sink: MboxSink
    private var encoder: LineEncoder
    /// The bytes of this message written to the file so far, to cut them
    /// off again if the message fails.
    private var written = 0
    private var finished = false
    /// Where the message starts in a regular file (see ``MboxSink/fileEnd``).
    private let messageStart: Int64?
    /// The checksum of what was written of the message, for its proof.
    private var checksum = CRC32()
    /// Records each write before it happens, when the engine journals.
    private var journal: ((AppendIntent) throws -> Void)?
    /// Whether ``prepareCommit()`` wrote the end of the message already.
    private var complete = false

    init(sink: MboxSink, encoder: LineEncoder) {
        self.sink = sink
        self.encoder = encoder
        messageStart = sink.fileEnd
    }

    func journalAppends(_ record: @escaping (AppendIntent) throws -> Void) {
        if messageStart != nil { journal = record }
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        precondition(!finished && !complete, "append() after commit() or abort()")
        encoder.encode(piece, endsLine: endsLine, into: &sink.buffer)
        if sink.buffer.needsFlush {
            try flush { DeliveryError.writeFailed(errno: $0) }
        }
    }

    /// Writes the buffered bytes (announced in the journal first, when it
    /// is kept), or fails the message with `error`.
    private func flush(_ error: (Int32) -> DeliveryError) throws {
        if let messageStart, let fileEnd = sink.fileEnd {
            let path = sink.absolutePath
            let intent = sink.buffer.withUnsafeBytes { bytes in
                checksum.update(bytes)
                return journal == nil ? nil
                    : AppendIntent.make(path: path, messageStart: messageStart, start: fileEnd, bytes: bytes)
            }
            if let journal, let intent {
                do {
                    try journal(intent)
                } catch {
                    fail()
                    throw error
                }
            }
        }
        let before = written
        let code = sink.flushBuffer(count: &written)
        if let fileEnd = sink.fileEnd {
            sink.fileEnd = fileEnd + Int64(written - before)
        }
        if code != 0 {
            fail()
            throw error(code)
        }
    }

    /// Writes the end of the message; in a regular file, returns the proof
    /// that the bytes at its offset are the message.
    func prepareCommit() throws -> DeliveryProof? {
        precondition(!finished && !complete, "prepareCommit() after commit() or abort()")
        try writeEnd()
        guard let messageStart else { return nil }
        return DeliveryProof(path: sink.absolutePath, size: Int64(written), offset: messageStart,
                             checksum: checksum.value)
    }

    private func writeEnd() throws {
        encoder.completeLine(into: &sink.buffer)
        sink.buffer.append(UInt8(ascii: "\n"))
        try flush { DeliveryError.outputError(path: sink.path, errno: $0) }
        complete = true
    }

    func commit() throws {
        precondition(!finished, "commit() after commit() or abort()")
        if !complete {
            try writeEnd()
        }
        finished = true
        sink.writerActive = false
    }

    func abort() {
        guard !finished else { return }
        fail()
    }

    deinit {
        // A writer dropped without commit() or abort() leaves no trace.
        if !finished {
            fail()
        }
    }

    /// Drops what is buffered and cuts off what was written of this message.
    private func fail() {
        finished = true
        sink.buffer.removeAll()
        if written > 0 {
            sink.cutOff(lastBytes: written)
        }
        sink.writerActive = false
    }
}
