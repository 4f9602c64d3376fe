/// A server without CAPA, like popa3d and solid-pop3d: CAPA and STLS get
/// `-ERR unknown command`, the greeting carries an APOP timestamp (as
/// solid-pop3d's does), and a failed login ends the connection.
enum NoCapaPersonality {
    static let timestamp = "<12790.1795309207@localhost>"

    static var dialect: OldServerDialect {
        var dialect = OldServerDialect(greeting: "+OK Solid POP3 server ready \(timestamp)", capabilities: nil)
        dialect.capaRefusal = "-ERR unknown command"
        dialect.apopTimestamp = timestamp
        dialect.authFailure = "-ERR Authentication failed (bad password?)"
        dialect.dropAfterFailedLogin = true
        return dialect
    }
}
