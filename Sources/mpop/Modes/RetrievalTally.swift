import POP3Core

/// Counts what a retrieval does for `--summary`, passing every event on to
/// the observer that prints mpop's own output, so both see the same run.
final class RetrievalTally: RetrievalObserver {
    private(set) var summary: RunSummary
    let next: any RetrievalObserver

    init(account: Account, next: any RetrievalObserver) {
        summary = RunSummary(account: account)
        self.next = next
    }

    /// Records the error the run ended with.
    func fail(with error: any Error) {
        summary.fail(with: error)
    }

    func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64) {
        summary.new = newCount
        summary.total = totalCount
        next.status(user: user, host: host, newCount: newCount, newSize: newSize,
                    totalCount: totalCount, totalSize: totalSize)
    }

    func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) {
        summary.skipped += 1
        next.skipped(number: number, of: count, reason: reason, deleted: deleted, keep: keep)
    }

    func retrievalStarted(number: Int, of count: Int, size: Int64) {
        next.retrievalStarted(number: number, of: count, size: size)
    }

    func retrievalProgress(percent: Int) {
        next.retrievalProgress(percent: percent)
    }

    func retrievalFinished() {
        next.retrievalFinished()
    }

    func retrievalAborted() {
        next.retrievalAborted()
    }

    func messageDelivered(number: Int, size: Int64) {
        summary.retrieved += 1
        summary.bytes += size
        next.messageDelivered(number: number, size: size)
    }

    func messagesDeleted(count: Int) {
        summary.deleted += count
        next.messagesDeleted(count: count)
    }

    func warning(_ text: String) {
        next.warning(text)
    }

    func messageEvent(_ event: MessageEvent) {
        next.messageEvent(event)
    }
}
