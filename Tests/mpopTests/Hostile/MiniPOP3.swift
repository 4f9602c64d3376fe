import Foundation

/// A small POP3 server dialogue over a ``HostileConnection``, correct by
/// default, with hooks that make one reply lie. The mailbox is shared by
/// every connection and survives them, so a "good" run after a hostile one
/// sees what a real server would still hold: DELE takes effect at QUIT only.
final class MiniPOP3: @unchecked Sendable {
    struct Message {
        var uid: String
        var body: String
    }

    /// Replacements for single replies. Each gets the connection and returns
    /// whether the dialogue goes on.
    struct Faults: @unchecked Sendable {
        var greeting = "+OK hostile test server ready"
        var capa: [String] = ["USER", "UIDL", "TOP"]
        var capaReply: ((HostileConnection) -> Bool)?
        var stat: ((HostileConnection) -> Bool)?
        var list: ((HostileConnection) -> Bool)?
        var uidl: ((HostileConnection) -> Bool)?
        var retr: ((HostileConnection, Int) -> Bool)?
        var user: ((HostileConnection) -> Bool)?
        /// Called with the session number (from 1) when UIDL arrives, before
        /// the reply; may block to hold that client inside its UIDLs lock.
        var beforeUIDL: ((Int) -> Void)?
        /// Called with the session number after the LIST reply.
        var afterLIST: ((Int) -> Void)?
        /// Gets the whole `AUTH ...` line.
        var auth: ((HostileConnection, String) -> Bool)?
    }

    private let lock = NSLock()
    private var messages: [Message]
    private var sessions = 0
    var faults: Faults

    /// Messages whose bodies carry `X-UID: uid`, so deliveries can be told apart.
    init(uids: [String], faults: Faults = Faults()) {
        messages = uids.map { Message(uid: $0, body: MiniPOP3.body(uid: $0)) }
        self.faults = faults
    }

    init(messages: [Message], faults: Faults = Faults()) {
        self.messages = messages
        self.faults = faults
    }

    static func body(uid: String) -> String {
        "From: hostile@example.org\r\nX-UID: \(uid)\r\nSubject: message \(uid)\r\n\r\nBody of \(uid).\r\n..leading dot\r\n"
    }

    /// The UIDs still on the server.
    var remainingUIDs: [String] {
        lock.lock()
        defer { lock.unlock() }
        return messages.map(\.uid)
    }

    /// Plays the server's side of one session until QUIT, an error, or a fault says stop.
    func serve(_ connection: HostileConnection) {
        lock.lock()
        let snapshot = messages
        let faults = self.faults
        sessions += 1
        let session = sessions
        lock.unlock()
        var deleted = Set<Int>()
        guard connection.line(faults.greeting) else { return }
        while let line = connection.readLine() {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            let argument = words.count > 1 ? Int(words[1]) : nil
            let ok: Bool
            switch words.first?.uppercased() ?? "" {
            case "CAPA":
                ok = faults.capaReply?(connection)
                    ?? (connection.line("+OK") && faults.capa.allSatisfy { connection.line($0) } && connection.line("."))
            case "USER":
                ok = faults.user?(connection) ?? connection.line("+OK")
            case "AUTH":
                ok = faults.auth?(connection, line) ?? connection.line("-ERR not here")
            case "PASS", "NOOP", "RSET":
                ok = connection.line("+OK")
            case "STAT":
                let size = snapshot.reduce(0) { $0 + $1.body.utf8.count }
                ok = faults.stat?(connection) ?? connection.line("+OK \(snapshot.count) \(size)")
            case "LIST":
                ok = faults.list?(connection) ?? (connection.line("+OK")
                    && snapshot.enumerated().allSatisfy { connection.line("\($0.offset + 1) \($0.element.body.utf8.count)") }
                    && connection.line("."))
                faults.afterLIST?(session)
            case "UIDL":
                faults.beforeUIDL?(session)
                ok = faults.uidl?(connection) ?? (connection.line("+OK")
                    && snapshot.enumerated().allSatisfy { connection.line("\($0.offset + 1) \($0.element.uid)") }
                    && connection.line("."))
            case "RETR", "TOP":
                guard let number = argument, snapshot.indices.contains(number - 1) else {
                    ok = connection.line("-ERR no such message")
                    break
                }
                if let retr = faults.retr, words[0].uppercased() == "RETR" {
                    ok = retr(connection, number)
                } else {
                    ok = Self.sendMessage(snapshot[number - 1].body, on: connection)
                }
            case "DELE":
                if let number = argument, snapshot.indices.contains(number - 1) {
                    deleted.insert(number - 1)
                    ok = connection.line("+OK")
                } else {
                    ok = connection.line("-ERR no such message")
                }
            case "QUIT":
                lock.lock()
                let gone = Set(deleted.map { snapshot[$0].uid })
                messages.removeAll { gone.contains($0.uid) }
                lock.unlock()
                connection.line("+OK bye")
                return
            default:
                ok = connection.line("-ERR unknown command")
            }
            if !ok { return }
        }
    }

    /// `+OK`, the body dot-stuffed (its lines end in CRLF already), and `.`.
    static func sendMessage(_ body: String, on connection: HostileConnection) -> Bool {
        connection.line("+OK \(body.utf8.count) octets") && connection.send(Array(body.utf8)) && connection.line(".")
    }
}
