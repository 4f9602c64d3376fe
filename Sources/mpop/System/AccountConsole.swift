import POP3Core

/// Where one account's output goes: straight to the standard streams
/// (``direct``), or, in a run of several accounts at once, through the
/// run's ``OrderedOutput``, which keeps each account's lines together and in
/// the configured order.
///
/// Everything retrieval mode prints for an account goes through its
/// console: status and progress lines, errors and their `error during mail
/// retrieval`, `--debug`'s dialogue, warnings, `--summary` lines and a fetch
/// log on stdout. Safe to use from the account's own thread.
struct AccountConsole: Sendable {
    /// Writes bytes to descriptor 1 or 2, in call order.
    let writeBytes: @Sendable (UnsafeRawBufferPointer, Int32) -> Void

    /// The standard streams themselves, one `write(2)` per call
    /// (``Console``).
    static let direct = AccountConsole { bytes, fd in Console.writeAll(bytes, to: fd) }

    func out(_ text: String) {
        write(text, to: 1)
    }

    func err(_ text: String) {
        write(text, to: 2)
    }

    func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { writeBytes(UnsafeRawBufferPointer($0), fd) }
    }

    /// `mpop: <message>` on stderr, sanitized (``Console/diagnostic(_:)``).
    func diagnostic(_ message: String) {
        err(Console.diagnosticLine(message))
    }

    /// The lines mpop prints for an error (``Console/report(_:)``).
    func report(_ error: any Error) {
        for line in Console.reportLines(error) {
            diagnostic(line)
        }
    }
}
