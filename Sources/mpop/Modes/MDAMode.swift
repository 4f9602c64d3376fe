#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// `--mda --delivery=METHOD,ARG [ENVELOPE-FROM]` (mpop 1.4.23 `mpop_mda`):
/// delivers the one mail on standard input through the sink retrieval mode
/// would use (``makeSink(for:uidlsFile:cancellation:)``), line by line
/// (``MessageInput``), so memory stays flat whatever the mail's size.
///
/// As in 1.4.23: no Received header (`received_header` is ignored); the
/// envelope sender, for an agent's `%F` and the mbox's `From ` line, is the
/// argument as given, or `MAILER-DAEMON` without one, never taken from the
/// mail; no configuration file is read, and every option but `--delivery`
/// (and those that change the mode) is accepted and ignored.
///
/// Unlike 1.4.23, a delivery that fails leaves nothing half-written (the
/// sinks' own guarantee: a maildir or Exchange file is removed, an mbox is
/// cut back, an agent is killed before it sees the end of its input), and
/// so does SIGINT, SIGTERM or SIGHUP before the end of the input, after
/// which the program still dies of that signal, as mpop would have. A
/// signal that comes once the whole mail was read lets the delivery finish.
struct MDAMode {
    let invocation: Invocation

    private enum Outcome {
        case delivered
        case failed(MDAModeError)
        case stopped(signal: Int32)
    }

    func run() -> ExitStatus {
        let cancellation = Cancellation()
        let outcome = AbortSignals.whileServing(cancellation) { deliver(cancellation) }
        switch outcome {
        case .delivered:
            return .ok
        case .failed(let error):
            // mpop 1.4.23 prints these as they are (no sanitizing).
            Console.err("mpop: " + error.explanation + "\n")
            return error.exitStatus
        case .stopped(let signal):
            // The default action is back (AbortSignals), so this ends the
            // program as the signal would have ended mpop.
            raise(signal)
            Console.err("mpop: operation aborted\n")
            return .tempFail
        }
    }

    private func deliver(_ cancellation: Cancellation) -> Outcome {
        guard let delivery = invocation.overrides.delivery else { return .failed(.deliveryMissing) }
        guard invocation.accountNames.count <= 1 else { return .failed(.tooManyArguments) }
        let envelopeFrom = invocation.accountNames.first ?? "MAILER-DAEMON"
        func stoppedOr(_ error: MDAModeError) -> Outcome {
            cancellation.signal.map { .stopped(signal: $0) } ?? .failed(error)
        }

        let sink: any MessageSink
        do {
            sink = try makeSink(for: delivery, cancellation: cancellation)
        } catch {
            return stoppedOr(.cannotInitialize(Self.reportable(error)))
        }
        let writer: any MessageWriter
        do {
            writer = try sink.begin(envelopeFrom: envelopeFrom, receivedHeader: nil)
        } catch {
            try? sink.close()
            return stoppedOr(.cannotStart(Self.reportable(error)))
        }
        do throws(MDAModeError) {
            try MessageInput.feed(read: { buffer throws(MDAModeError) in
                try Self.readInput(into: buffer, cancellation)
            }, append: { piece, endsLine throws(MDAModeError) in
                do {
                    try writer.append(piece, endsLine: endsLine)
                } catch {
                    throw .cannotWrite
                }
            })
        } catch {
            writer.abort()
            try? sink.close()
            return stoppedOr(error)
        }
        if let signal = cancellation.signal {
            writer.abort()
            try? sink.close()
            return .stopped(signal: signal)
        }
        do {
            try writer.commit()
        } catch {
            writer.abort()
            try? sink.close()
            // The rest of the mail did not go out: mpop's failed fflush.
            if case DeliveryError.writeFailed = error { return .failed(.cannotWrite) }
            return .failed(.cannotFinish(Self.reportable(error)))
        }
        do {
            try sink.syncCommitted()
        } catch {
            try? sink.close()
            return .failed(.cannotFinish(Self.reportable(error)))
        }
        do {
            try sink.close()
        } catch {
            return .failed(.cannotCleanUp(Self.reportable(error)))
        }
        return .delivered
    }

    /// Reads standard input into `buffer`; 0 at its end.
    /// - Throws: ``MDAModeError/cannotRead(errno:)``, also (with `EINTR`)
    ///   once a signal asked to stop.
    private static func readInput(into buffer: UnsafeMutableRawBufferPointer,
                                  _ cancellation: Cancellation) throws(MDAModeError) -> Int {
        while true {
            // Reading a file never blocks, so a signal interrupts nothing:
            // look before every read.
            if cancellation.isCancelled { throw .cannotRead(errno: EINTR) }
            let count = Glibc.read(0, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw .cannotRead(errno: errno) }
        }
    }

    /// The sinks throw ``DeliveryError``s; anything else would be our bug.
    private static func reportable(_ error: any Error) -> any ReportableError {
        (error as? any ReportableError) ?? MessageError(String(describing: error), exitStatus: .software)
    }
}
