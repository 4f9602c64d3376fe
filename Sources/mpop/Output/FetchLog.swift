import POP3Core

/// One account's fetch log: writes a line per message event and, at the
/// end, one for the session, passing every event on to the observer that
/// prints mpop's output.
final class FetchLog: RetrievalObserver {
    let account: Account
    let writer: FetchLogWriter
    /// Where a log on stdout (`logfile -`) and the writer's warnings go.
    let console: AccountConsole
    let next: any RetrievalObserver

    init(account: Account, writer: FetchLogWriter, console: AccountConsole = .direct, next: any RetrievalObserver) {
        self.account = account
        self.writer = writer
        self.console = console
        self.next = next
    }

    /// Writes the session's line from what the run did.
    func finish(_ summary: RunSummary) {
        writer.write(FetchLogLine.session(summary, account: account), failure: summary.status != .ok, for: account,
                     console: console)
    }

    func messageEvent(_ event: MessageEvent) {
        writer.write(FetchLogLine.message(event, account: account), failure: false, for: account, console: console)
        next.messageEvent(event)
    }

    func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64) {
        next.status(user: user, host: host, newCount: newCount, newSize: newSize,
                    totalCount: totalCount, totalSize: totalSize)
    }

    func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) {
        next.skipped(number: number, of: count, reason: reason, deleted: deleted, keep: keep)
    }

    func retrievalStarted(number: Int, of count: Int, size: Int64) {
        next.retrievalStarted(number: number, of: count, size: size)
    }

    func retrievalProgress(percent: Int) { next.retrievalProgress(percent: percent) }
    func retrievalFinished() { next.retrievalFinished() }
    func retrievalAborted() { next.retrievalAborted() }

    func messageDelivered(number: Int, size: Int64) { next.messageDelivered(number: number, size: size) }
    func messagesDeleted(count: Int) { next.messagesDeleted(count: count) }
    func warning(_ text: String) { next.warning(text) }
}
