import Foundation

/// What a POP3 server on 127.0.0.1 holds for a user, read over a plain
/// connection (USER, PASS, UIDL, `TOP n 0`, QUIT): each message's UID and
/// the Message-ID in its header. A session also makes dovecot give new
/// messages their UIDs, so that a copy of its maildir taken afterwards
/// serves the same UIDs again.
public enum POP3Listing {
    /// The Message-ID of each message, by UID (`nil` values for messages
    /// without one).
    public static func messageIDsByUID(port: Int, user: String, password: String) throws -> [String: String?] {
        let connection = try LineConnection(port: port)
        _ = try connection.status()
        _ = try connection.command("USER \(user)")
        _ = try connection.command("PASS \(password)")
        _ = try connection.command("UIDL")
        var uids: [(number: Int, uid: String)] = []
        for line in try connection.multiLine() {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let number = Int(fields[0]) else { throw MessageFailure("bad UIDL line: \(line)") }
            uids.append((number, String(fields[1])))
        }
        var result: [String: String?] = [:]
        for (number, uid) in uids {
            _ = try connection.command("TOP \(number) 0")
            let header = try connection.multiLine()
            result[uid] = header.first { $0.lowercased().hasPrefix("message-id: ") }.map { String($0.dropFirst(12)) }
        }
        _ = try connection.command("QUIT")
        return result
    }
}
