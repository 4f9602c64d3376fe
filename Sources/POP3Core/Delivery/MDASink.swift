/// `delivery mda CMD`: each message is piped into its own run of
/// `/bin/sh -c CMD` (mpop `delivery.c`, MDA method).
///
/// `%F` becomes the envelope sender; `%S` is left as it is (mpop replaces it
/// only for a filter). The Received header and the message follow on the
/// command's stdin with LF line endings. Committing waits for the command:
/// exit 0 delivers, even when it did not read everything; anything else is a
/// ``DeliveryError`` (exit 74). The command's stdout and stderr are mpop's.
public final class MDASink: MessageSink {
    /// The command as configured.
    public let command: String
    /// True when the command contains `%F`.
    public let needsEnvelopeFrom: Bool

    public init(command: String) {
        self.command = command
        needsEnvelopeFrom = command.contains("%F")
    }

    /// Starts the command for one message.
    /// - Throws: ``DeliveryError/cannotExecute(command:errno:)``.
    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        let expanded = needsEnvelopeFrom
            ? CommandInput.expand(command, "%F", with: envelopeFrom ?? "MAILER-DAEMON")
            : command
        let input = try CommandInput(command: command, expandedCommand: expanded)
        for line in receivedHeader ?? [] {
            input.appendLine(line)
        }
        return MDAWriter(input: input)
    }

    /// Nothing to do: a delivery agent that exited 0 owns the message.
    public func syncCommitted() throws {}

    public func close() throws {}
}
