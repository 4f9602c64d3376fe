/// One run of a ``HeaderFilter`` command on one message's header.
final class HeaderFilterCommandRun: HeaderFilterRun {
    private let input: CommandInput

    init(input: CommandInput) {
        self.input = input
    }

    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
        try input.append(piece, endsLine: endsLine)
    }

    /// Exit 0, 1 and 2 decide; 3 or more, or a signal, is a ``DeliveryError``.
    func finish() throws -> FilterDecision {
        switch try input.finish(accepted: 0...2) {
        case 0: return .keep
        case 1: return .delete
        default: return .ignore
        }
    }

    func abort() {
        input.abort()
    }
}
