import Foundation
import TestSupport

/// A dovecot with users and messages, and a private HOME whose
/// `~/.mpoprc` has one account per user, each delivering into its own maildir.
final class SummaryFixture: @unchecked Sendable {
    let dovecot: DovecotServer
    let home: TemporaryDirectory
    private var accounts: [String] = []

    init() throws {
        dovecot = try DovecotServer()
        home = try TemporaryDirectory(prefix: "mpop-summary")
    }

    /// Adds the dovecot user `name` holding messages of about `sizes`
    /// bytes, and the account `name` for it; `password` is what the account
    /// sends (the right one unless given). Returns the messages. Add every
    /// account before the first run: dovecot may not see a user added later.
    @discardableResult
    func addAccount(_ name: String, sizes: [Int], password: String? = nil, extra: String = "") throws -> [Data] {
        let mailbox = try dovecot.addUser(name, password: "pw-\(name)")
        let messages = try mailbox.putMessages(sizes: sizes)
        let maildir = try home.makeMaildir("Mail/\(name)")
        accounts.append("""
            account \(name)
            user \(name)
            passwordeval echo \(password ?? "pw-\(name)")
            delivery maildir \(maildir)
            \(extra)
            """)
        try home.write(".mpoprc", """
            defaults
            host 127.0.0.1
            port \(dovecot.port)
            tls on
            tls_trust_file \(dovecot.ca.certificateFile)

            \(accounts.joined(separator: "\n\n"))

            """)
        return messages
    }

    /// The messages delivered to account `name`'s maildir.
    func delivered(_ name: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.url("Mail/\(name)/new"))) ?? []).count
    }

    /// The size the server announces for a message stored with LF endings:
    /// POP3 counts CRLF.
    static func wireSize(_ message: Data) -> Int {
        message.count + message.filter { $0 == UInt8(ascii: "\n") }.count
    }

    func run(_ arguments: [String]) throws -> RunResult {
        try MpopBinary.ours.run(arguments, home: home.path)
    }

    func stop() {
        dovecot.stop()
    }
}
