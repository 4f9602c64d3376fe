#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// Prints what retrieval mode shows, as `-q`, `-Q` and `-d` allow:
/// status lines unless quiet; size/filter lines and progress only with full
/// output (not with `-q`, `-Q` or `-d`).
final class RetrievalPrinter: RetrievalObserver {
    enum Verbosity {
        /// `-q`: nothing.
        case quiet
        /// `-Q` or `-d`: status lines only.
        case statusOnly
        /// The default: status, size/filter lines and progress.
        case full
    }

    let verbosity: Verbosity
    let progressPrinter: ProgressPrinter
    let write: (String) -> Void
    let warn: (String) -> Void

    /// - Parameter warn: prints a warning's message as a diagnostic line.
    init(verbosity: Verbosity, terminal: Bool = isatty(1) == 1, write: @escaping (String) -> Void = { Console.out($0) },
         warn: @escaping (String) -> Void = { Console.diagnostic($0) }) {
        self.verbosity = verbosity
        self.write = write
        self.warn = warn
        progressPrinter = ProgressPrinter(terminal: terminal, write: write)
    }

    func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64) {
        guard verbosity != .quiet else { return }
        write(StatusText.status(user: user, host: host, newCount: newCount, newSize: newSize,
                                totalCount: totalCount, totalSize: totalSize))
    }

    func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) {
        guard verbosity == .full else { return }
        write(StatusText.skipped(number: number, of: count, reason: reason, deleted: deleted, keep: keep))
    }

    func retrievalStarted(number: Int, of count: Int, size: Int64) {
        guard verbosity == .full else { return }
        progressPrinter.start(number: number, of: count, size: size)
    }

    func retrievalProgress(percent: Int) {
        guard verbosity == .full else { return }
        progressPrinter.progress(percent: percent)
    }

    func retrievalFinished() {
        guard verbosity == .full else { return }
        progressPrinter.finish()
    }

    func retrievalAborted() {
        guard verbosity == .full else { return }
        progressPrinter.abort()
    }

    func warning(_ text: String) {
        warn(text)
    }
}
