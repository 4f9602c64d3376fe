import CSupport
import POP3Core

/// SIGINT, SIGTERM and SIGHUP while an account is served: as in mpop, they
/// ask the run to stop instead of killing it, so that what was delivered is
/// saved and nothing undelivered is deleted.
///
/// The C handlers (installed without `SA_RESTART`) set the account's
/// ``Cancellation`` and make the blocked system call return `EINTR`; the
/// wait that made it sees the cancellation and ends with `operation
/// aborted`. Outside ``whileServing(_:_:)`` and ``whileRunning(_:_:)`` the
/// signals have their default action again.
enum AbortSignals {
    /// Runs `body` with the signals routed to `cancellation`.
    static func whileServing<T>(_ cancellation: Cancellation, _ body: () throws -> T) rethrows -> T {
        csupport_install_abort_handlers(cancellation.signalFlag)
        defer { csupport_restore_default_handlers() }
        return try body()
    }

    /// Runs `body`, a run of several accounts at once, with the signals
    /// routed to `run` and to the cancellation of every account that is
    /// being served meanwhile under ``enlisting(_:_:)``. Every thread that
    /// enlisted must have left ``enlisting(_:_:)`` when `body` returns, and
    /// no such thread may be joined inside `body` (the handler may still
    /// name it in `pthread_kill`).
    static func whileRunning<T>(_ run: Cancellation, _ body: () throws -> T) rethrows -> T {
        csupport_install_abort_handlers(run.signalFlag)
        defer { csupport_restore_default_handlers() }
        return try body()
    }

    /// Runs `body` on this thread with `cancellation` reached by the
    /// signals of the surrounding ``whileRunning(_:_:)``: a signal sets it
    /// and interrupts this thread's blocked call. When the run was asked to
    /// stop already, `cancellation` is set before `body` starts.
    static func enlisting<T>(_ cancellation: Cancellation, _ body: () throws -> T) rethrows -> T {
        let slot = csupport_abort_enlist(cancellation.signalFlag)
        // More than 256 accounts at once: this one learns of a signal
        // from the run's flag, which the caller checks between accounts.
        defer { csupport_abort_delist(slot) }
        return try body()
    }
}
