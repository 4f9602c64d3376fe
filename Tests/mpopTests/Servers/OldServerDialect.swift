/// How an old POP3 server talks: the knobs in which the servers users still
/// meet differ from each other. An ``OldPOP3Session`` answers by them.
struct OldServerDialect: Sendable {
    /// What STLS gets.
    enum STLSAnswer: Sendable {
        /// `-ERR` with this text (the server has no TLS).
        case refuse(String)
        /// `+OK` followed, in the same write, by a line the client never
        /// asked for: a command-injection attempt.
        case injectAfterOK
    }

    /// The greeting line, APOP timestamp included.
    var greeting: String
    /// The CAPA list; nil means the server answers CAPA with ``capaRefusal``.
    var capabilities: [String]?
    var capaRefusal = "-ERR"
    /// Positive replies are a bare `+OK`, with no text at all.
    var terse = false
    var user = "joe"
    var password = "secret"
    /// The `<...>` timestamp of the greeting, when the server offers APOP.
    var apopTimestamp: String?
    var stls: STLSAnswer = .refuse("-ERR unknown command")
    /// LIST and STAT count each line end as one byte (the size on disk)
    /// instead of the two that RETR sends.
    var sizesCountLF = false
    /// The reply to a wrong password.
    var authFailure = "-ERR [AUTH] bad password"
    /// When set, the reply to PASS or APOP even with the right password.
    var loginRefusal: String?
    /// When set, the reply to STAT.
    var statRefusal: String?
    /// When set, the reply to every DELE.
    var deleRefusal: String?
    /// When set, the reply to QUIT, which then deletes nothing.
    var quitRefusal: String?
    /// The server hangs up after a failed login, like popa3d.
    var dropAfterFailedLogin = false
}
