/// Receives the conversation as it happens, for `--debug`.
///
/// Commands arrive already rendered for display (``Command/debugText``), so
/// secrets are masked before they reach the observer. Received bytes arrive
/// raw, line ending included, as mpop prints them after `<-- `.
public protocol DialogueObserver: AnyObject {
    /// A command line was sent; `text` has no line ending.
    func sent(_ text: String)
    /// Bytes of a received line. `continuesLine` is true for the second and
    /// later pieces of a line longer than the reader's buffer.
    func received(_ bytes: UnsafeRawBufferPointer, continuesLine: Bool)
    /// TLS is up: print what `--debug` shows about the session.
    func tlsEstablished(_ transport: any TLSTransport)
}
