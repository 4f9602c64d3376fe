/// Qualcomm's qpopper 4: an APOP timestamp in the greeting (one that passes
/// mpop's check), STLS, `LOGIN-DELAY 900` and `EXPIRE NEVER` in CAPA, USER
/// and APOP logins. This build has no TLS, so STLS gets `-ERR`.
enum QpopperPersonality {
    static let timestamp = "<1234.5678@mail.example.org>"

    static var dialect: OldServerDialect {
        var dialect = OldServerDialect(
            greeting: "+OK Qpopper (version 4.1.0) at mail.example.org starting.  \(timestamp)",
            capabilities: ["TOP", "USER", "LOGIN-DELAY 900", "EXPIRE NEVER", "UIDL", "RESP-CODES",
                           "AUTH-RESP-CODE", "X-MANGLE HTML", "IMPLEMENTATION Qpopper-version-4.1.0", "STLS"])
        dialect.apopTimestamp = timestamp
        dialect.stls = .refuse("-ERR [SYS/PERM] TLS not configured")
        dialect.authFailure = "-ERR [AUTH] Password supplied for \"joe\" is incorrect."
        return dialect
    }
}
