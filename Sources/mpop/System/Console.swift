#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// Unbuffered writes to the standard streams, without Foundation or C stdio.
/// Only the program writes to them; the library reports through its
/// observers (``RetrievalObserver``, ``DialogueObserver``) and its errors.
///
/// Each call is one `write(2)` (retried on EINTR and short writes), so the
/// order of stdout and stderr lines is the order of the calls, as with mpop's
/// flushed stdio. Write errors are ignored: there is nowhere left to report them.
enum Console {
    static func out(_ text: String) {
        write(text, to: 1)
    }

    static func err(_ text: String) {
        write(text, to: 2)
    }

    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { buffer in
            writeAll(UnsafeRawBufferPointer(buffer), to: fd)
        }
    }

    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            left -= n
            base += n
        }
    }

    /// Prints `mpop: <message>` on stderr, with control characters replaced
    /// by `?` as mpop's `sanitize_string` does.
    static func diagnostic(_ message: String) {
        err(diagnosticLine(message))
    }

    /// `mpop: <message>` and a line feed, sanitized.
    static func diagnosticLine(_ message: String) -> String {
        "mpop: " + Sanitizer.sanitized(message) + "\n"
    }

    /// Prints the lines mpop prints for an error: the explanation, then the
    /// server's message when there is one.
    static func report(_ error: any Error) {
        for line in reportLines(error) {
            diagnostic(line)
        }
    }

    /// The messages of ``report(_:)``, without `mpop: ` and line feeds.
    static func reportLines(_ error: any Error) -> [String] {
        guard let error = error as? any ReportableError else { return [String(describing: error)] }
        var lines = [error.explanation]
        if let server = error.serverMessage {
            lines.append("POP3 server message: " + server)
        }
        if let hint = error.hint {
            lines.append("hint: " + hint)
        }
        return lines
    }
}
