/// `delivery mda CMD`: each message is piped into its own run of
/// `/bin/sh -c CMD` (mpop `delivery.c`, MDA method).
///
/// `%F` becomes the envelope sender; `%S` is left as it is (mpop replaces it
/// only for a filter). The Received header and the message follow on the
/// command's stdin with LF line endings. The command's stdout and stderr are
/// mpop's.
///
/// A message is delivered only when the command took all of it and exited 0.
/// A command that closes its input before the end (a write meets EPIPE) has
/// not delivered the message, whatever its exit status: that is
/// `cannot write mail: output error` (exit 74), as with mpop, and the
/// command is stopped (SIGTERM) and reaped. Committing closes the input and
/// waits: any exit status but 0 is a ``DeliveryError`` (exit 74).
///
/// What is written last, up to a pipe's capacity (64 KiB on Linux), can land
/// in the pipe before the command exits: a command that exits 0 without
/// reading it cannot be told from one that read it, unless it was gone
/// before it was written. mpop, whose stdio buffer holds the message's last
/// 4 KiB until the end, has the same blind spot.
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
    /// - Throws: ``DeliveryError/cannotExecute(command:errno:)``. The writer
    ///   throws ``DeliveryError/writeFailed(errno:)`` when the command stops
    ///   reading.
    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        let expanded = needsEnvelopeFrom
            ? CommandInput.expand(command, "%F", with: envelopeFrom ?? "MAILER-DAEMON")
            : command
        let input = try CommandInput(command: command, expandedCommand: expanded, readerGone: .fails)
        for line in receivedHeader ?? [] {
            input.appendLine(line)
        }
        return MDAWriter(input: input)
    }

    /// Nothing to do: a delivery agent that exited 0 owns the message.
    public func syncCommitted() throws {}

    public func close() throws {}
}
