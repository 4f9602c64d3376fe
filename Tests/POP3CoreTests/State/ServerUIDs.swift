import Foundation
import TestSupport

/// Asks a POP3 server for its UIDs with a plain socket (`USER`, `PASS`,
/// `UIDL`), independently of any mpop.
enum ServerUIDs {
    static func fetch(port: Int, user: String, password: String) throws -> [String] {
        let connection = try LineConnection(port: port, timeout: 10)
        _ = try connection.readLine()
        _ = try connection.command("USER \(user)")
        _ = try connection.command("PASS \(password)")
        _ = try connection.command("UIDL")
        let uids = try connection.multiLine().map { line in
            // "N UID": the UID is everything after the first space.
            guard let space = line.firstIndex(of: " ") else { throw MessageFailure("UIDL line: \(line)") }
            return String(line[line.index(after: space)...])
        }
        _ = try connection.command("QUIT")
        return uids
    }
}
