#if canImport(Glibc)
import Glibc
#endif

/// One message being written to a maildir's `tmp/`; see ``MaildirSink``.
final class MaildirWriter: MessageWriter {
    /// Errors of `link(2)` that mean "this file system has no hard links
    /// here" rather than "this went wrong"; `rename(2)` works there.
    static let linkRefusals: Set<Int32> = [EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, ENOSYS, EMLINK]

    private let sink: MaildirSink
    private var fd: Int32
    private let name: String
    private var encoder: LineEncoder
    private var finished = false

    init(sink: MaildirSink, fd: Int32, name: String, encoder: LineEncoder) {
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

    func commit() throws {
        precondition(!finished, "commit() after commit() or abort()")
        encoder.completeLine(into: &sink.buffer)
        try flush()
        let temporary = "tmp/" + name
        let final = "new/" + name
        if sink.calls.linkat(sink.directory, temporary, final) == 0 {
            unlinkat(sink.directory, temporary, 0)
        } else {
            let linkError = errno
            guard Self.linkRefusals.contains(linkError),
                  renameat(sink.directory, temporary, sink.directory, final) == 0 else {
                fail()
                throw DeliveryError.cannotLink(directory: sink.path, from: temporary, to: final, errno: linkError)
            }
        }
        finished = true
        sink.writerActive = false
        sink.committed.add(fd: fd, displayPath: "\(sink.path)/\(final)", relativePath: final, calls: sink.calls)
        fd = -1
    }

    /// The file `new/NAME` under the maildir's absolute path, with the size
    /// the complete message has in `tmp/`.
    func prepareCommit() throws -> DeliveryProof? {
        precondition(!finished, "prepareCommit() after commit() or abort()")
        encoder.completeLine(into: &sink.buffer)
        try flush()
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var base = sink.path
        if !base.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else { return nil }
            let directory = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
            base = String(decoding: directory, as: UTF8.self) + "/" + base
        }
        return DeliveryProof(path: base + "/new/" + name, size: Int64(info.st_size))
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

    private func flush() throws(DeliveryError) {
        let error = sink.calls.writeAll(fd, sink.buffer)
        sink.buffer.removeAll()
        if error != 0 {
            fail()
            throw .writeFailed(errno: error)
        }
    }

    /// Closes and removes the unfinished file in `tmp/`.
    private func fail() {
        finished = true
        sink.buffer.removeAll()
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        unlinkat(sink.directory, "tmp/" + name, 0)
        sink.writerActive = false
    }
}
