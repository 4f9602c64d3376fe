/// A small maildir server in the manner of mpopd: CAPA with UIDL, TOP and
/// USER, no APOP timestamp, no TLS.
enum MpopdLikePersonality {
    static var dialect: OldServerDialect {
        var dialect = OldServerDialect(greeting: "+OK mpopd ready", capabilities: ["TOP", "UIDL", "USER"])
        dialect.authFailure = "-ERR authentication failed"
        return dialect
    }
}
