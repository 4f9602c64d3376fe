import TestSupport

/// A hostile server that, after `normalReplies` ordinary lines, sends one
/// line that never ends: the client must give up with a protocol error,
/// not buffer without bound or hang.
final class EndlessLineResponder: LineResponder {
    /// Where the endless line comes.
    enum Place: String, Sendable, CustomStringConvertible {
        case greeting, capaLine, userReply

        var description: String { rawValue }
    }

    static let limit = 1 << 30
    private let place: Place
    private let endless = ResponderAction.stream(chunk: Array(repeating: UInt8(ascii: "x"), count: 65_536),
                                                 limit: EndlessLineResponder.limit)

    init(place: Place) {
        self.place = place
    }

    func greet() -> [ResponderAction] {
        place == .greeting ? [.send(Array("+OK ".utf8)), endless] : [.line("+OK ready")]
    }

    func respond(to line: String) -> [ResponderAction] {
        switch (place, line.uppercased()) {
        case (.capaLine, "CAPA"): [.send(Array("+OK\r\nUSER\r\n".utf8)), endless]
        case (.userReply, let command) where command.hasPrefix("USER"): [.send(Array("+OK ".utf8)), endless]
        case (_, "CAPA"): [.line("+OK"), .line("USER"), .line(".")]
        default: [.line("-ERR")]
        }
    }
}
