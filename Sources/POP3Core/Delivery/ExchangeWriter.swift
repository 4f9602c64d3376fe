#if canImport(Glibc)
import Glibc
#endif

/// One message being written to an Exchange pickup directory; see ``ExchangeSink``.
final class ExchangeWriter: MessageWriter {
    private let sink: ExchangeSink
    private var fd: Int32
    private let name: String
    private var encoder: LineEncoder
    private var finished = false

    init(sink: ExchangeSink, fd: Int32, name: String, encoder: LineEncoder) {
        self.sink = sink
        self.fd = fd
        self.name = name
        self.encoder = encoder
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        precondition(!finished, "append() after commit() or abort()")
        encoder.encode(piece, endsLine: endsLine, into: &sink.buffer)
        if sink.buffer.needsFlush {
            try flush()
        }
    }

    /// Writes the rest; the file keeps its lock until the batch is synced.
    func commit() throws {
        precondition(!finished, "commit() after commit() or abort()")
        encoder.completeLine(into: &sink.buffer)
        try flush()
        finished = true
        sink.writerActive = false
        sink.committed.add(fd: fd, displayPath: "\(sink.path)/\(name)", relativePath: name, calls: sink.calls)
        fd = -1
    }

    /// Removes the unfinished file, so that the pickup service never sends
    /// half a message.
    func abort() {
        guard !finished else { return }
        fail()
    }

    deinit {
        if !finished {
            fail()
        }
    }

    private func flush() throws(DeliveryError) {
        let error = sink.calls.writeAll(fd, sink.buffer)
        sink.buffer.removeAll()
        if error != 0 {
            fail()
            throw .writeFailed(errno: error)
        }
    }

    private func fail() {
        finished = true
        sink.buffer.removeAll()
        // Unlink before closing: the lock keeps a pickup service away until
        // the name is gone.
        unlinkat(sink.directory, name, 0)
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        sink.writerActive = false
    }
}
