import CSupport
import POP3Core

/// SIGINT, SIGTERM and SIGHUP while an account is served: as in mpop, they
/// ask the run to stop instead of killing it, so that what was delivered is
/// saved and nothing undelivered is deleted.
///
/// The C handlers (installed without `SA_RESTART`) set the account's
/// ``Cancellation`` and make the blocked system call return `EINTR`; the
/// wait that made it sees the cancellation and ends with `operation
/// aborted`. Outside ``whileServing(_:_:)`` the signals have their default
/// action again.
enum AbortSignals {
    /// Runs `body` with the signals routed to `cancellation`.
    static func whileServing<T>(_ cancellation: Cancellation, _ body: () throws -> T) rethrows -> T {
        csupport_install_abort_handlers(cancellation.signalFlag)
        defer { csupport_restore_default_handlers() }
        return try body()
    }
}
