#if canImport(Glibc)
import Glibc
#endif

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
///
/// Unlike mpop, the command runs under a supervisor process, in a process
/// group of its own (`csupport_spawn_supervised`): it sees the end of its
/// input only once the whole message was written. When mpop stops a message
/// halfway (an error, SIGINT or SIGTERM mid-transfer) or dies (SIGKILL), the
/// supervisor kills the command first, so no delivery agent ever receives a
/// truncated message; Ctrl-C at the terminal reaches mpop, not the agent,
/// and an agent that has the whole message may finish. With
/// `outcomeFilePrefix`, the supervisor also writes the agent's status to
/// `PREFIX<pid>.<n>`, which the journal's pending record names: a run
/// killed while the agent works does not fetch the message again when the
/// agent delivered it.
public final class MDASink: MessageSink {
    /// The command as configured.
    public let command: String
    /// True when the command contains `%F`.
    public let needsEnvelopeFrom: Bool
    /// Where the agents' outcome files go (a path prefix), or `nil`.
    let outcomeFilePrefix: String?
    /// Outcome files of committed messages, removed once their records are
    /// in the journal for good (``syncCommitted()``).
    private var committedOutcomes: [String] = []
    private var outcomeCount = 0

    public init(command: String, outcomeFilePrefix: String? = nil) {
        self.command = command
        needsEnvelopeFrom = command.contains("%F")
        self.outcomeFilePrefix = outcomeFilePrefix
    }

    /// Starts the command for one message.
    /// - Throws: ``DeliveryError/cannotExecute(command:errno:)``. The writer
    ///   throws ``DeliveryError/writeFailed(errno:)`` when the command stops
    ///   reading.
    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        let expanded = needsEnvelopeFrom
            ? CommandInput.expand(command, "%F", with: envelopeFrom ?? "MAILER-DAEMON")
            : command
        var outcome: String?
        if let outcomeFilePrefix {
            outcomeCount += 1
            outcome = "\(outcomeFilePrefix)\(getpid()).\(outcomeCount)"
            unlink(outcome!)
        }
        let input = try CommandInput(command: command, expandedCommand: expanded, readerGone: .fails,
                                     supervision: ChildProcessPipe.Supervision(outcomeFile: outcome))
        for line in receivedHeader ?? [] {
            input.appendLine(line)
        }
        return MDAWriter(input: input, outcomeFile: outcome, supervisor: input.pid, sink: self)
    }

    /// An outcome file whose message was committed; removed at the next
    /// ``syncCommitted()``, after the engine recorded the delivery.
    func committed(outcomeFile: String) {
        committedOutcomes.append(outcomeFile)
    }

    /// A delivery agent that exited 0 owns the message: nothing to sync.
    /// The outcome files of the batch go, since the journal has their
    /// messages' records by now.
    public func syncCommitted() throws {
        removeOutcomeFiles()
    }

    public func close() throws {
        removeOutcomeFiles()
    }

    private func removeOutcomeFiles() {
        for file in committedOutcomes {
            unlink(file)
        }
        committedOutcomes = []
    }
}
