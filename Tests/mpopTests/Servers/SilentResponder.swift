import TestSupport

/// A TLS-only (pop3s) server as the plain client sees it: it waits for a
/// TLS ClientHello and says nothing, and has nothing to say to lines.
final class SilentResponder: LineResponder {
    func greet() -> [ResponderAction] { [] }
    func respond(to line: String) -> [ResponderAction] { [.close] }
}
