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

    init(sink: MboxSink, encoder: LineEncoder) {
        self.sink = sink
        self.encoder = encoder
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        precondition(!finished, "append() after commit() or abort()")
        encoder.encode(piece, endsLine: endsLine, into: &sink.buffer)
        if sink.buffer.needsFlush {
            let error = sink.flushBuffer(count: &written)
            if error != 0 {
                fail()
                throw DeliveryError.writeFailed(errno: error)
            }
        }
    }

    func commit() throws {
        precondition(!finished, "commit() after commit() or abort()")
        encoder.completeLine(into: &sink.buffer)
        sink.buffer.append(UInt8(ascii: "\n"))
        let error = sink.flushBuffer(count: &written)
        if error != 0 {
            fail()
            throw DeliveryError.outputError(path: sink.path, errno: error)
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
