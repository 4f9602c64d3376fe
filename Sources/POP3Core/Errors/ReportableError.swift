/// An error that knows how mpop reports it and with which exit status.
///
/// Every layer throws its own error enum and conforms it here: each enum's
/// `exitStatus` maps its own cases (one switch per layer, next to the cases
/// it maps), and ``exitStatus(for:)`` is the one place the program asks, for
/// any error. Compare mpop's `pop3_exitcode`, `net_exitcode`,
/// `mtls_exitcode` and `uidls_exitcode`, which were plain integers passed by
/// convention. The printer writes
/// `mpop: <explanation>`, then `mpop: POP3 server message: <serverMessage>`
/// when there is one.
public protocol ReportableError: Error {
    /// Our explanation, without the `mpop: ` prefix. Never holds a secret.
    var explanation: String { get }
    /// The server's own words (the reply line that caused the error), if any.
    var serverMessage: String? { get }
    /// The sysexits code this error ends the program with.
    var exitStatus: ExitStatus { get }
    /// What the user can change, printed as `mpop: hint: <hint>` after the
    /// other lines (mpop has no such line; see Docs/Compatibility.md).
    var hint: String? { get }
}

extension ReportableError {
    public var serverMessage: String? { nil }
    public var hint: String? { nil }
}

/// The exit status for any error: the error's own for a `ReportableError`,
/// otherwise `EX_SOFTWARE`, since an unclassified error is our bug.
public func exitStatus(for error: any Error) -> ExitStatus {
    (error as? any ReportableError)?.exitStatus ?? .software
}

/// A plain error carrying a ready message and status, for the few places
/// (mostly command-line handling) where a dedicated enum would add nothing.
public struct MessageError: ReportableError, Equatable {
    public let explanation: String
    public let serverMessage: String?
    public let exitStatus: ExitStatus

    public init(_ explanation: String, serverMessage: String? = nil, exitStatus: ExitStatus) {
        self.explanation = explanation
        self.serverMessage = serverMessage
        self.exitStatus = exitStatus
    }
}
