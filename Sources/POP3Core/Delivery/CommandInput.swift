#if canImport(Glibc)
import Glibc
#endif

/// The standard input of a delivery agent or filter command (`/bin/sh -c`),
/// fed line by line with LF endings and written in large chunks.
///
/// What a command that stops reading (EPIPE) means depends on
/// ``ReaderGone``: a delivery agent that did not take the whole message has
/// not delivered it, while a filter may decide from the part it read.
final class CommandInput {
    /// What a write that finds the command's input closed (EPIPE) means.
    enum ReaderGone {
        /// The input is incomplete: ``DeliveryError/writeFailed(errno:)``
        /// (`cannot write mail: output error`, as mpop), and the command is
        /// stopped (``abort()``) whatever it would have exited with.
        case fails
        /// The rest of the input is dropped and ``finish(accepted:)``
        /// decides by the exit status (see
        /// ``DeliveryError/forCommand(_:status:stoppedReading:accepted:)``).
        case dropsTheRest
    }

    /// The command as configured, before `%F` and `%S`: mpop's error
    /// messages name it so.
    let command: String
    private let readerGone: ReaderGone
    private let child: ChildProcessPipe
    private var buffer = OutputBuffer()
    private var encoder = LineEncoder(lineEnding: .lf)
    private var stoppedReading = false
    private var finished = false

    /// Starts `expandedCommand`.
    /// - Throws: ``DeliveryError/cannotExecute(command:errno:)``, naming the
    ///   expanded command as mpop does.
    init(command: String, expandedCommand: String, readerGone: ReaderGone,
         supervision: ChildProcessPipe.Supervision? = nil) throws(DeliveryError) {
        self.command = command
        self.readerGone = readerGone
        do {
            child = try ChildProcessPipe(shellCommand: expandedCommand, supervision: supervision)
        } catch {
            throw .cannotExecute(command: expandedCommand, errno: error.errno)
        }
    }

    /// The command's process ID (its supervisor's, when supervised).
    var pid: pid_t { child.pid }

    /// Appends a complete line, such as a Received header line.
    func appendLine(_ line: String) {
        encoder.encodeRaw(line, into: &buffer)
    }

    /// Appends a piece of a line, as ``MessageWriter/append(_:endsLine:)``.
    /// - Throws: ``DeliveryError/writeFailed(errno:)`` when a full buffer
    ///   cannot be written (see ``ReaderGone``).
    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws(DeliveryError) {
        precondition(!finished, "append() after finish() or abort()")
        encoder.encode(piece, endsLine: endsLine, into: &buffer)
        if buffer.needsFlush {
            try flush()
        }
    }

    /// Writes the rest, closes the command's input and waits for it.
    /// - Returns: the exit code, which is in `accepted`.
    /// - Throws: ``DeliveryError/writeFailed(errno:)`` when the rest cannot
    ///   be written; the ``DeliveryError`` for any other ending.
    func finish(accepted: ClosedRange<Int32>) throws(DeliveryError) -> Int32 {
        precondition(!finished, "finish() after finish() or abort()")
        try writeRest()
        finished = true
        let status = child.wait()
        if let error = DeliveryError.forCommand(command, status: status, stoppedReading: stoppedReading,
                                                accepted: accepted) {
            throw error
        }
        guard case let .exited(code) = status else {
            preconditionFailure("forCommand accepts only exit codes")
        }
        return code
    }

    /// Writes what is still buffered, ending the last line, without closing
    /// the input.
    /// - Throws: ``DeliveryError/writeFailed(errno:)`` (see ``ReaderGone``).
    func writeRest() throws(DeliveryError) {
        encoder.completeLine(into: &buffer)
        try flush()
    }

    /// Kills the command before it sees the end of its input; see
    /// ``ChildProcessPipe/terminate(grace:)``.
    func abort() {
        guard !finished else { return }
        finished = true
        buffer.removeAll()
        child.terminate()
    }

    deinit {
        abort()
    }

    private func flush() throws(DeliveryError) {
        defer { buffer.removeAll() }
        guard !stoppedReading, !buffer.isEmpty else { return }
        let result = buffer.withUnsafeBytes { child.write($0) }
        switch result {
        case .written:
            break
        case .readerGone:
            switch readerGone {
            case .dropsTheRest:
                stoppedReading = true
            case .fails:
                abort()
                throw .writeFailed(errno: EPIPE)
            }
        case let .failed(error):
            abort()
            throw .writeFailed(errno: error)
        }
    }

    /// `template` with every `placeholder` replaced, byte for byte as mpop's
    /// `string_replace` does.
    static func expand(_ template: String, _ placeholder: String, with value: String) -> String {
        let source = Array(template.utf8), pattern = Array(placeholder.utf8), replacement = Array(value.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            if source.count - index >= pattern.count && source[index..<index + pattern.count].elementsEqual(pattern) {
                result.append(contentsOf: replacement)
                index += pattern.count
            } else {
                result.append(source[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
