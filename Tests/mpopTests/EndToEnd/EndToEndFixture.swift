import Foundation
import TestSupport

/// One dovecot, and for each client (ours and the reference) its own user
/// with the same messages, its own HOME, maildir and configuration, so that
/// both clients can be run on the same input and their results compared.
final class SideBySide: @unchecked Sendable {
    let dovecot: DovecotServer
    let sent: [Data]
    let ours: Side
    let theirs: Side

    final class Side: @unchecked Sendable {
        let binary: MpopBinary
        let home: TemporaryDirectory
        let user: String
        let mailbox: ServerMailbox
        let maildir: String

        init(binary: MpopBinary, dovecot: DovecotServer, user: String, messages: [Data]) throws {
            self.binary = binary
            self.user = user
            home = try TemporaryDirectory(prefix: "mpop-e2e")
            mailbox = try dovecot.addUser(user, password: "secret-\(user)")
            for (index, message) in messages.enumerated() {
                try mailbox.put(message, name: String(format: "%010d.M%06dP1.e2e", 1_700_000_000 + index, index))
            }
            maildir = try home.makeMaildir("Mail")
        }

        /// Writes `~/.mpoprc` with account `test` on this side's user, plus `extra` lines.
        func configure(port: Int, ca: String, extra: String = "") throws {
            try home.write(".mpoprc", """
                defaults
                tls on
                tls_trust_file \(ca)

                account test
                host 127.0.0.1
                port \(port)
                user \(user)
                passwordeval echo secret-\(user)
                delivery maildir \(maildir)
                \(extra)

                """)
        }

        func run(_ arguments: [String], environment: [String: String] = [:], launcher: [String] = []) throws -> RunResult {
            try binary.run(arguments, home: home.path, environment: environment, launcher: launcher)
        }

        /// The delivered messages, sorted, with the Received header's date
        /// and local host name (which differ from run to run) blanked.
        var deliveredMessages: [String] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: maildir + "/new")) ?? []).sorted()
            return names.map { name in
                let text = String(decoding: FileManager.default.contents(atPath: maildir + "/new/" + name) ?? Data(), as: UTF8.self)
                return SideBySide.normalized(text)
            }.sorted()
        }
    }

    init(messages: [Data]) throws {
        dovecot = try DovecotServer()
        sent = messages
        ours = try Side(binary: .ours, dovecot: dovecot, user: "ours", messages: messages)
        theirs = try Side(binary: .reference, dovecot: dovecot, user: "theirs", messages: messages)
    }

    func configureBoth(extra: String = "", implicitTLS: Bool = false) throws {
        let port = implicitTLS ? dovecot.tlsPort : dovecot.port
        let tlsLines = implicitTLS ? "tls_starttls off\n" : ""
        try ours.configure(port: port, ca: dovecot.ca.certificateFile, extra: tlsLines + extra)
        try theirs.configure(port: port, ca: dovecot.ca.certificateFile, extra: tlsLines + extra)
    }

    /// Replaces what legitimately differs between two runs: the user name in
    /// status lines, APOP timestamps, Received dates and host names, and
    /// the mbox From_ line's date.
    static func normalized(_ text: String) -> String {
        // dovecot ends its APOP timestamps with the host name gethostname gives.
        let apopTimestamp = "<[^<>]*@" + NSRegularExpression.escapedPattern(for: LocalHost.name) + ">"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for i in lines.indices {
            if lines[i].hasPrefix("\tby ") { lines[i] = "\tby LOCALHOST (mpop-1.4.18) with POP3" }
            if lines[i].hasPrefix("\tfor <") { lines[i] = "\tfor <USER>; DATE" }
            if let range = lines[i].range(of: apopTimestamp, options: .regularExpression) {
                lines[i].replaceSubrange(range, with: "<TIMESTAMP>")
            }
        }
        return lines.joined(separator: "\n")
    }

    func stop() {
        dovecot.stop()
    }
}
