#if canImport(Glibc)
import Glibc
#endif

/// One message on its way into a delivery agent; see ``MDASink``.
final class MDAWriter: MessageWriter {
    private let input: CommandInput
    /// Where the agent's supervisor writes its status, and its pid.
    private let outcomeFile: String?
    private let supervisor: pid_t
    private unowned let sink: MDASink

    init(input: CommandInput, outcomeFile: String?, supervisor: pid_t, sink: MDASink) {
        self.input = input
        self.outcomeFile = outcomeFile
        self.supervisor = supervisor
        self.sink = sink
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        try input.append(piece, endsLine: endsLine)
    }

    /// Writes the rest of the message to the agent; returns the proof that
    /// a later run can check if this one dies while the agent works: its
    /// outcome file, which says exit 0 once it delivered.
    func prepareCommit() throws -> DeliveryProof? {
        try input.writeRest()
        return outcomeFile.map { DeliveryProof(outcomeFile: $0, supervisor: supervisor) }
    }

    /// Writes the rest, closes the agent's input and waits for it; only exit 0
    /// after taking the whole message delivers.
    func commit() throws {
        _ = try input.finish(accepted: 0...0)
        if let outcomeFile {
            sink.committed(outcomeFile: outcomeFile)
        }
    }

    /// Kills the agent before it sees the end of the message, so that it
    /// cannot deliver a truncated one.
    func abort() {
        input.abort()
    }
}
