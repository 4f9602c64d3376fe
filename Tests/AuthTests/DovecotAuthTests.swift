import Testing
import Auth
import POP3Core
import TestSupport

/// Our GNU SASL client against a real dovecot, over plain POP3 on
/// loopback (the harness's dovecot allows plaintext authentication there):
/// `AUTH <mechanism>` driven by hand as mpop drives it.
@Suite(.serialized) struct DovecotAuthTests {
    static let mechanisms = ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]

    /// Runs `AUTH mechanism` and returns the final reply line (`+OK ...`
    /// or `-ERR ...`). The client's first step is sent in answer to the
    /// first `+ ` challenge when it has one (mpop sends `AUTH` without an
    /// initial response); every later challenge is stepped, and every
    /// response is sent, even an empty one (DIGEST-MD5's closing line).
    static func authenticate(port: Int, mechanism: String, user: String, password: String) throws -> String {
        let connection = try LineConnection(port: port)
        let greeting = try connection.readLine()
        guard greeting.hasPrefix("+OK") else { throw MessageError("greeting: \(greeting)") }
        let client = try GSASLProvider().makeClient(
            mechanism: mechanism,
            properties: SASLProperties(user: user, password: Secret(password), hostname: "localhost"))
        var (pending, _) = try client.step(challenge: nil)
        try connection.send("AUTH \(mechanism)")
        for _ in 0..<10 {
            let reply = try connection.readLine()
            guard reply.hasPrefix("+ ") || reply == "+" else { return reply }
            if !pending.isEmpty {
                try connection.send(pending)
                pending = ""
            } else {
                let challenge = reply.count > 2 ? String(reply.dropFirst(2)) : ""
                try connection.send(try client.step(challenge: challenge).response)
            }
        }
        throw MessageError("AUTH \(mechanism) did not end")
    }

    /// Without anvil's penalty socket dovecot adds no growing delay after
    /// each deliberately failed attempt.
    static let configuration = """
        service anvil {
          unix_listener anvil-auth-penalty {
            mode = 0
          }
        }
        """

    @Test func everyMechanismDovecotOffersWorks() throws {
        let server = try DovecotServer(extraConfiguration: Self.configuration)
        defer { server.stop() }
        _ = try server.addUser("alice", password: "s3cret password")
        let connection = try LineConnection(port: server.port)
        _ = try connection.readLine()
        try connection.send("CAPA")
        var saslLine = ""
        while true {
            let line = try connection.readLine()
            if line == "." { break }
            if line.hasPrefix("SASL ") { saslLine = line }
        }
        let offered = saslLine.split(separator: " ").dropFirst().map(String.init)
        for mechanism in Self.mechanisms {
            #expect(offered.contains(mechanism), "dovecot does not offer \(mechanism): \(saslLine)")
        }

        for mechanism in Self.mechanisms {
            let right = try Self.authenticate(port: server.port, mechanism: mechanism,
                                              user: "alice", password: "s3cret password")
            #expect(right.hasPrefix("+OK"), "\(mechanism) with the right password: \(right)\n\(server.log)")
            let wrong = try Self.authenticate(port: server.port, mechanism: mechanism,
                                              user: "alice", password: "wrong")
            #expect(wrong.hasPrefix("-ERR"), "\(mechanism) with a wrong password: \(wrong)")
        }
    }

    /// Non-ASCII passwords go through as UTF-8. DIGEST-MD5 is left out:
    /// RFC 2831 wants Latin-1-representable passwords hashed as ISO 8859-1,
    /// dovecot does that and GNU SASL does not, so such a password fails
    /// there with mpop too.
    @Test func nonASCIIPasswordsWork() throws {
        let server = try DovecotServer(extraConfiguration: Self.configuration)
        defer { server.stop() }
        _ = try server.addUser("bob", password: "pässwörd ✓")
        for mechanism in Self.mechanisms where mechanism != "DIGEST-MD5" {
            let reply = try Self.authenticate(port: server.port, mechanism: mechanism,
                                              user: "bob", password: "pässwörd ✓")
            #expect(reply.hasPrefix("+OK"), "\(mechanism): \(reply)")
        }
    }
}
