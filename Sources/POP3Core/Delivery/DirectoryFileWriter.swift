#if canImport(Glibc)
import Glibc
#endif

/// One message written to its own file in a ``DeliveryDirectory``: an
/// Exchange pickup file as it is, and the base of ``MaildirWriter``, which
/// moves its file from `tmp/` to `new/` once it is durable.
class DirectoryFileWriter: MessageWriter {
    let directory: DeliveryDirectory
    /// The open file, until it is committed or removed.
    private(set) var fd: Int32
    /// Where the file is being written, relative to the directory.
    let workingPath: String
    private var encoder: LineEncoder
    private var finished = false

    init(directory: DeliveryDirectory, fd: Int32, workingPath: String, encoder: LineEncoder) {
        self.directory = directory
        self.fd = fd
        self.workingPath = workingPath
        self.encoder = encoder
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        precondition(!finished, "append() after commit() or abort()")
        encoder.encode(piece, endsLine: endsLine, into: &directory.buffer)
        if directory.buffer.needsFlush {
            try flush()
        }
    }

    /// Writes the rest and hands the file to the batch that
    /// ``DeliveryDirectory/syncCommitted(subdirectories:)`` syncs and then
    /// moves to its ``destination`` (an Exchange file keeps its lock until
    /// then).
    func commit() throws {
        precondition(!finished, "commit() after commit() or abort()")
        try finishWriting()
        try checkDestination()
        finished = true
        directory.writerActive = false
        directory.committed.add(fd: fd, relativePath: workingPath, destination: destination,
                                directoryPath: directory.path, calls: directory.calls)
        fd = -1
    }

    /// Where the complete file goes once its bytes are durable, relative
    /// to the directory; `nil` (the default) leaves it where it was written.
    var destination: String? {
        nil
    }

    /// Throws, after ``fail()``, when the file could not go to its
    /// ``destination``; nothing to check by default.
    func checkDestination() throws {}

    /// No proof by default; ``MaildirWriter`` names the file it will create.
    /// (Declared here so that subclasses override it dynamically.)
    func prepareCommit() throws -> DeliveryProof? {
        nil
    }

    /// Removes the unfinished file, so that no reader ever sees half a message.
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

    /// Completes the last line and writes out the buffer.
    func finishWriting() throws(DeliveryError) {
        precondition(!finished, "the message is already finished")
        encoder.completeLine(into: &directory.buffer)
        try flush()
    }

    private func flush() throws(DeliveryError) {
        let error = directory.calls.writeAll(fd, directory.buffer)
        directory.buffer.removeAll()
        if error != 0 {
            fail()
            throw .writeFailed(errno: error)
        }
    }

    /// Removes the file, then closes it: an Exchange file's lock keeps a
    /// pickup service away until the name is gone.
    func fail() {
        finished = true
        directory.buffer.removeAll()
        unlinkat(directory.descriptor, workingPath, 0)
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        directory.writerActive = false
    }
}
