/// Greetings and CAPA replies of real servers (Debian 12 packages), as
/// recorded in the reference notes on server quirks. Each fixture is the
/// server's side up to the end of the first CAPA reply, in transcript form.
enum RealServerGreetings {
    struct Fixture: Sendable, CustomStringConvertible {
        let name: String
        let transcript: String
        var description: String { name }
    }

    static let all: [Fixture] = [
        Fixture(name: "dovecot", transcript: """
        <-- +OK Dovecot (Debian) ready. <1a1c.4.6b023e8d.wkZ55PhCSh7DEYUc0pkGjA==@vm>
        --> CAPA
        <-- +OK
        <-- CAPA
        <-- TOP
        <-- UIDL
        <-- RESP-CODES
        <-- PIPELINING
        <-- AUTH-RESP-CODE
        <-- STLS
        <-- USER
        <-- SASL PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256
        <-- .
        """),
        Fixture(name: "mailutils", transcript: """
        <-- +OK POP3 Ready <10741.1795309203@vm>
        --> CAPA
        <-- +OK Capability list follows
        <-- TOP
        <-- UIDL
        <-- RESP-CODES
        <-- PIPELINING
        <-- AUTH-RESP-CODE
        <-- EXPIRENEVER
        <-- USER
        <-- STLS
        <-- .
        """),
        Fixture(name: "popa3d", transcript: """
        <-- +OK
        --> CAPA
        <-- -ERR
        """),
        Fixture(name: "solid-pop3d", transcript: """
        <-- +OK Solid POP3 server ready <12790.1795309207@localhost>
        --> CAPA
        <-- -ERR unknown command
        """),
        Fixture(name: "courier", transcript: """
        <-- +OK Hello there.
        --> CAPA
        <-- +OK Here's what I can do:
        <-- SASL PLAIN LOGIN CRAM-MD5 CRAM-SHA1 CRAM-SHA256
        <-- STLS
        <-- TOP
        <-- USER
        <-- LOGIN-DELAY 10
        <-- PIPELINING
        <-- UIDL
        <-- UTF8 USER
        <-- IMPLEMENTATION Courier Mail Server
        <-- .
        """),
        Fixture(name: "cyrus", transcript: """
        <-- +OK localhost Cyrus POP3 3.6.1-Debian-3.6.1-4+deb12u5 server ready <9448955915171358105.1795309218@localhost>
        --> CAPA
        <-- +OK List of capabilities follows
        <-- SASL PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1-PLUS SCRAM-SHA-1 SCRAM-SHA-256-PLUS SCRAM-SHA-256
        <-- STLS
        <-- EXPIRE NEVER
        <-- LOGIN-DELAY 0
        <-- TOP
        <-- UIDL
        <-- PIPELINING
        <-- RESP-CODES
        <-- AUTH-RESP-CODE
        <-- USER
        <-- IMPLEMENTATION Cyrus POP3 3.6.1-Debian-3.6.1-4+deb12u5
        <-- .
        """),
    ]
}
