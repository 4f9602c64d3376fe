/// mpop's `filter CMD`: each new message's header (from `TOP n 0`) is piped
/// into `/bin/sh -c CMD`, whose exit status decides: 0 keep, 1 delete,
/// 2 ignore this time (mpop `delivery.c`, filter method; §3.1 step 15).
///
/// `%F` becomes the envelope sender and `%S` the message's LIST size. The
/// header is written with LF line endings and no Received header. The
/// command's stdout and stderr are mpop's, so its output appears in mpop's.
public final class HeaderFilter: HeaderFilterRunner {
    /// The command as configured.
    public let command: String
    /// True when the command contains `%F`.
    public let needsEnvelopeFrom: Bool
    private let needsSize: Bool

    public init(command: String) {
        self.command = command
        needsEnvelopeFrom = command.contains("%F")
        needsSize = command.contains("%S")
    }

    /// Starts the command for one message.
    /// - Throws: ``DeliveryError/cannotExecute(command:errno:)`` (exit 74).
    public func start(envelopeFrom: String?, size: Int64) throws -> any HeaderFilterRun {
        var expanded = command
        if needsEnvelopeFrom {
            expanded = CommandInput.expand(expanded, "%F", with: envelopeFrom ?? "MAILER-DAEMON")
        }
        if needsSize {
            expanded = CommandInput.expand(expanded, "%S", with: String(size))
        }
        // A filter decides from the header, and may do so from its first
        // lines: one that stops reading is judged by its exit status.
        let input = try CommandInput(command: command, expandedCommand: expanded, readerGone: .dropsTheRest)
        return HeaderFilterCommandRun(input: input)
    }
}
