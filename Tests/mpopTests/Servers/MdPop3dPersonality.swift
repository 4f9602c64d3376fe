/// mdpop3d, the tiny maildir server: bare `+OK` replies with no text at
/// all, CAPA listing only UIDL, TOP and USER, and LIST sizes counted on
/// disk (a line end is one byte), so smaller than what RETR sends.
enum MdPop3dPersonality {
    static var dialect: OldServerDialect {
        var dialect = OldServerDialect(greeting: "+OK", capabilities: ["UIDL", "TOP", "USER"])
        dialect.terse = true
        dialect.sizesCountLF = true
        dialect.authFailure = "-ERR"
        return dialect
    }
}
