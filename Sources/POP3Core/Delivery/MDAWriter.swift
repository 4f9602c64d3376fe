/// One message on its way into a delivery agent; see ``MDASink``.
final class MDAWriter: MessageWriter {
    private let input: CommandInput

    init(input: CommandInput) {
        self.input = input
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        try input.append(piece, endsLine: endsLine)
    }

    /// Writes the rest, closes the agent's input and waits for it; only exit 0
    /// after taking the whole message delivers.
    func commit() throws {
        _ = try input.finish(accepted: 0...0)
    }

    /// Kills the agent before it sees the end of the message, so that it
    /// cannot deliver a truncated one.
    func abort() {
        input.abort()
    }
}
