/// Makes the sink for an account's `delivery` setting, opening what it
/// delivers into: an mbox is opened and locked (waiting up to 10 seconds for
/// another process's lock), a maildir or pickup directory is opened. Call it
/// when the first message is about to be retrieved, as mpop does, so that a
/// run with nothing to fetch touches no mailbox.
///
/// A delivery agent reports its result in a file beside `uidlsFile` (see
/// ``MDASink``), so that a run killed while the agent works learns it later.
/// Once `cancellation` is set, waiting for an mbox's lock ends.
/// - Throws: a ``DeliveryError`` (exit 74): `cannot open FILE: ...`,
///   `cannot lock FILE (tried for 10 seconds): ...`, `cannot change to DIR: ...`.
public func makeSink(for delivery: Account.Delivery, uidlsFile: String? = nil,
                     cancellation: Cancellation = .never) throws -> any MessageSink {
    switch delivery {
    case let .mda(command):
        return MDASink(command: command, outcomeFilePrefix: uidlsFile.map { $0 + ".mda-" })
    case let .maildir(path):
        return try MaildirSink(path: path)
    case let .mbox(path):
        return try MboxSink(path: path, cancellation: cancellation)
    case let .exchange(path):
        return try ExchangeSink(path: path)
    }
}
