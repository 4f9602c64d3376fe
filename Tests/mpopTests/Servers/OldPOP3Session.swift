import TestSupport

/// One POP3 connection to an ``OldServer``: a state machine (AUTHORIZATION,
/// TRANSACTION, UPDATE of RFC 1939) that answers whatever command comes,
/// in the manner of its ``OldServerDialect``.
final class OldPOP3Session: LineResponder {
    private let dialect: OldServerDialect
    private let maildrop: OldServerMaildrop
    private var givenUser: String?
    private var messages: [OldServerMaildrop.Message]?
    private var deleted: Set<Int> = []

    init(dialect: OldServerDialect, maildrop: OldServerMaildrop) {
        self.dialect = dialect
        self.maildrop = maildrop
    }

    func greet() -> [ResponderAction] {
        [.line(dialect.greeting)]
    }

    func respond(to line: String) -> [ResponderAction] {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let verb = words.first?.uppercased() ?? ""
        let arguments = Array(words.dropFirst())
        if verb == "QUIT" {
            if let refusal = dialect.quitRefusal { return [.line(refusal), .close] }
            if let messages {
                maildrop.remove(uids: Set(deleted.map { messages[$0 - 1].uid }))
            }
            return [.line(ok("session ended")), .close]
        }
        if verb == "CAPA" {
            guard let capabilities = dialect.capabilities else { return [.line(dialect.capaRefusal)] }
            return [multiline(ok("Capability list follows"), capabilities.map { Array($0.utf8) })]
        }
        if verb == "NOOP" { return [.line(ok(""))] }
        return messages == nil ? authorization(verb, arguments) : transaction(verb, arguments)
    }

    private func ok(_ text: String) -> String {
        dialect.terse || text.isEmpty ? "+OK" : "+OK " + text
    }

    private func authorization(_ verb: String, _ arguments: [String]) -> [ResponderAction] {
        switch verb {
        case "STLS":
            switch dialect.stls {
            case .refuse(let text): return [.line(text)]
            case .injectAfterOK: return [.send(Array("+OK Begin TLS negotiation\r\n+OK injected\r\n".utf8))]
            }
        case "USER":
            givenUser = arguments.first
            return [.line(ok("Password required for \(arguments.first ?? "")."))]
        case "PASS":
            let right = givenUser == dialect.user && arguments.joined(separator: " ") == dialect.password
            return logIn(right)
        case "APOP":
            guard let timestamp = dialect.apopTimestamp, arguments.count == 2 else { return [.line("-ERR")] }
            let expected = APOPDigest.of(timestamp: timestamp, password: dialect.password)
            return logIn(arguments[0] == dialect.user && arguments[1] == expected)
        case "AUTH":
            return [.line("-ERR unknown command")]
        default:
            return [.line("-ERR unknown command")]
        }
    }

    private func logIn(_ right: Bool) -> [ResponderAction] {
        givenUser = nil
        guard right else {
            return dialect.dropAfterFailedLogin ? [.line(dialect.authFailure), .close] : [.line(dialect.authFailure)]
        }
        if let refusal = dialect.loginRefusal { return [.line(refusal)] }
        messages = maildrop.current
        return [.line(ok("\(maildrop.current.count) messages"))]
    }

    /// Wire lines of a message: CRLF ends and dot-stuffing come later.
    private func lines(_ text: [UInt8]) -> [[UInt8]] {
        var lines = text.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if text.last == 10 { lines.removeLast() }
        return lines
    }

    private func size(_ message: OldServerMaildrop.Message) -> Int {
        if dialect.sizesCountLF { return message.text.count }
        return lines(message.text).reduce(0) { $0 + $1.count + 2 }
    }

    private func multiline(_ first: String, _ body: [[UInt8]]) -> ResponderAction {
        var bytes = Array(first.utf8) + [13, 10]
        for line in body {
            if line.first == UInt8(ascii: ".") { bytes.append(UInt8(ascii: ".")) }
            bytes += line + [13, 10]
        }
        return .send(bytes + Array(".\r\n".utf8))
    }

    /// The numbers of the messages not marked deleted.
    private var live: [Int] {
        (0..<(messages?.count ?? 0)).map { $0 + 1 }.filter { !deleted.contains($0) }
    }

    private func message(_ argument: String?) -> OldServerMaildrop.Message? {
        guard let argument, let number = Int(argument), live.contains(number) else { return nil }
        return messages?[number - 1]
    }

    private func transaction(_ verb: String, _ arguments: [String]) -> [ResponderAction] {
        let noSuchMessage: [ResponderAction] = [.line("-ERR no such message")]
        switch verb {
        case "STAT":
            if let refusal = dialect.statRefusal { return [.line(refusal)] }
            let total = live.reduce(0) { $0 + size(messages![$1 - 1]) }
            return [.line("+OK \(live.count) \(total)")]
        case "LIST", "UIDL":
            let entry = { (number: Int) -> String in
                let message = self.messages![number - 1]
                return "\(number) " + (verb == "LIST" ? String(self.size(message)) : message.uid)
            }
            if let argument = arguments.first {
                guard message(argument) != nil, let number = Int(argument) else { return noSuchMessage }
                return [.line("+OK " + entry(number))]
            }
            return [multiline(ok(verb == "LIST" ? "\(live.count) messages" : ""), live.map { Array(entry($0).utf8) })]
        case "RETR":
            guard let message = message(arguments.first) else { return noSuchMessage }
            return [multiline(ok("\(size(message)) octets"), lines(message.text))]
        case "TOP":
            guard let message = message(arguments.first), arguments.count == 2,
                  let count = Int(arguments[1]), count >= 0 else { return noSuchMessage }
            let all = lines(message.text)
            let headerEnd = all.firstIndex(of: []) ?? all.count
            let body = all[min(headerEnd + 1, all.count)...].prefix(count)
            return [multiline(ok(""), Array(all[..<min(headerEnd + 1, all.count)]) + body)]
        case "DELE":
            if let refusal = dialect.deleRefusal { return [.line(refusal)] }
            guard message(arguments.first) != nil, let number = Int(arguments[0]) else { return noSuchMessage }
            deleted.insert(number)
            return [.line(ok("message \(number) deleted"))]
        case "RSET":
            deleted = []
            return [.line(ok(""))]
        default:
            return [.line("-ERR unknown command")]
        }
    }
}
