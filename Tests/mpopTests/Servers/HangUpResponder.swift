import TestSupport

/// A server that hangs up where its `hangUpAt`-th client line (counting
/// from 1) wants a reply, and otherwise talks like the session it wraps.
/// With 0 it hangs up instead of greeting.
final class HangUpResponder: LineResponder {
    private let session: any LineResponder
    private let hangUpAt: Int
    private var count = 0

    init(_ session: any LineResponder, hangUpAt: Int) {
        self.session = session
        self.hangUpAt = hangUpAt
    }

    func greet() -> [ResponderAction] {
        hangUpAt == 0 ? [.close] : session.greet()
    }

    func respond(to line: String) -> [ResponderAction] {
        count += 1
        return count == hangUpAt ? [.close] : session.respond(to: line)
    }
}
