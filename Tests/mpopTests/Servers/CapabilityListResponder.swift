import TestSupport

/// A server whose CAPA reply holds the given capability lines, sent as
/// they are; it takes any USER and PASS, so `--serverinfo` asks for the
/// capabilities once before and once after the login.
final class CapabilityListResponder: LineResponder {
    private let lines: [[UInt8]]

    init(_ lines: [[UInt8]]) {
        self.lines = lines
    }

    func greet() -> [ResponderAction] {
        [.line("+OK capability test server ready")]
    }

    func respond(to line: String) -> [ResponderAction] {
        switch line.split(separator: " ").first?.uppercased() {
        case "CAPA":
            return [.line("+OK")] + lines.map { .send($0 + [13, 10]) } + [.line(".")]
        case "USER", "PASS":
            return [.line("+OK")]
        case "QUIT":
            return [.line("+OK bye"), .close]
        default:
            return [.line("-ERR unknown command")]
        }
    }
}
