/// What a header filter decided about one message (mpop's `filter`
/// command: exit 0 keeps it, 1 deletes it, 2 skips it this time).
public enum FilterDecision: Sendable, Equatable {
    /// Exit 0: retrieve the message as usual.
    case keep
    /// Exit 1: delete it without retrieving it, and remember it as old.
    case delete
    /// Exit 2: leave it on the server and look at it again next time.
    case ignore
}

/// Runs the `filter` command on one message's header, which the engine gets
/// with `TOP n 0`. Implemented in `Filtering/HeaderFilter.swift`.
public protocol HeaderFilterRunner: AnyObject {
    /// Whether the command needs the envelope sender (`%F` in it).
    var needsEnvelopeFrom: Bool { get }

    /// Starts the command for one message; `%F` becomes `envelopeFrom` and
    /// `%S` becomes `size` (the LIST size). The header is then written through
    /// the returned run, dot-unstuffed, without line endings (LF is added).
    /// - Throws: a ``ReportableError`` when the command cannot be started (74).
    func start(envelopeFrom: String?, size: Int64) throws -> any HeaderFilterRun
}

/// One running filter command.
public protocol HeaderFilterRun: AnyObject {
    /// Appends a piece of a header line, as ``MessageWriter/append(_:endsLine:)``.
    func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws
    /// Closes the command's input and waits for its decision.
    /// - Throws: a ``ReportableError`` for an exit status of 3 or more, or a
    ///   death by signal: `CMD returned exit status N (EX_...)` or
    ///   `CMD failed to execute` (74).
    func finish() throws -> FilterDecision
    /// Kills the command without waiting for a decision.
    func abort()
}
