import CSupport

/// A request to stop one session: what SIGINT, SIGTERM and SIGHUP mean to
/// mpop. The session checks it between phases and on every line of a
/// message; the waits under it (socket reads and writes, connecting, the
/// TLS handshake, file locks) check it when a signal interrupts them with
/// `EINTR`, and then fail with `operation aborted`.
///
/// The library installs no signal handler. The program does, with this
/// value's ``signalFlag`` as the handler's target
/// (`csupport_install_abort_handlers`), so the handler sets the flag and its
/// signal interrupts the blocked call; a test simply calls ``cancel()``.
/// Each session has its own value, so that a request to stop one session
/// does not reach another.
///
/// The flag lives in C memory and is read and written atomically, which is
/// what makes it safe for a signal handler, and this class `Sendable`.
public final class Cancellation: @unchecked Sendable {
    /// `nil` for ``never``.
    private let flag: OpaquePointer?

    /// Never cancelled: for waits that nothing interrupts (tests, and
    /// callers that install no signal handlers).
    public static let never = Cancellation(flag: nil)

    /// A request not made yet.
    public init() {
        guard let flag = csupport_cancellation_create() else {
            fatalError("out of memory for a cancellation flag")
        }
        self.flag = flag
    }

    private init(flag: OpaquePointer?) {
        self.flag = flag
    }

    deinit {
        if let flag { csupport_cancellation_destroy(flag) }
    }

    /// Whether stopping was asked for.
    public var isCancelled: Bool {
        guard let flag else { return false }
        return csupport_cancellation_reason(flag) != 0
    }

    /// The signal that asked to stop, or `nil` when none did (not asked
    /// yet, or asked by ``cancel()``): a program that cleans up and then
    /// wants to die of that signal, as it would have without handlers.
    public var signal: Int32? {
        guard let flag else { return nil }
        let reason = csupport_cancellation_reason(flag)
        return reason > 0 ? reason : nil
    }

    /// Asks to stop, as a signal would; asking twice is harmless.
    public func cancel() {
        guard let flag else { preconditionFailure("Cancellation.never cannot be cancelled") }
        csupport_cancellation_set(flag, -1)
    }

    /// The C flag, for `csupport_install_abort_handlers`; the value must
    /// outlive the handlers' use of it.
    public var signalFlag: OpaquePointer {
        guard let flag else { preconditionFailure("Cancellation.never has no flag") }
        return flag
    }
}
