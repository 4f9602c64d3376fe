import POP3Core

/// `--serverinfo` output (mpop 1.4.18 `mpop_serverinfo`, §4.5).
enum ServerInfoText {
    /// The SASL-and-native methods in mpop's listing order.
    static let methodOrder = ["USER", "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "EXTERNAL", "GSSAPI", "APOP",
                              "CRAM-MD5", "DIGEST-MD5", "LOGIN", "NTLM", "OAUTHBEARER", "XOAUTH2"]

    static func text(_ info: ServerInfo) -> String {
        var text = "POP3 server at "
        text += info.indirect ? info.identity.host : info.identity.hostWithDetails
        text += ", port \(info.port):\n"
        if !info.greetingText.isEmpty {
            text += "    \(Sanitizer.sanitized(info.greetingText))\n"
        }
        if let tls = info.tls {
            text += TLSInfoText.text(sessionDescription: tls.sessionDescription, certificate: tls.certificate)
        }
        let caps = info.capabilities
        text += "POP3 capabilities:\n"
        func entry(_ name: String, _ description: String) {
            text += "    \(name):\n        \(description)\n"
        }
        if caps.capa { entry("CAPA", "Support for the CAPA command (get list of capabilities)") }
        if let implementation = caps.implementation {
            entry("IMPLEMENTATION", Sanitizer.sanitized(implementation))
        }
        if caps.pipelining { entry("PIPELINING", "Support for command grouping for faster transmission") }
        if caps.top { entry("TOP", "Support for the TOP command (get mail headers)") }
        if caps.uidl { entry("UIDL", "Support for the UIDL command (get unique mail identifiers)") }
        if let delay = caps.loginDelay {
            var description = "minimum time between logins is \(delay) seconds"
            if delay > 3600 {
                description += " = " + HumanSize.fixed2(Float(delay) / 3600.0) + " hours"
            } else if delay > 60 {
                description += " = " + HumanSize.fixed2(Float(delay) / 60.0) + " minutes"
            }
            entry("LOGIN-DELAY \(delay)", description)
        }
        if caps.expireNever {
            entry("EXPIRE NEVER", "this POP3 server will never delete mails")
        } else if let days = caps.expire {
            if days == 0 {
                entry("EXPIRE 0", "this POP3 server will not keep mails")
            } else {
                entry("EXPIRE \(days)", "this POP3 server will keep mails for \(days) days")
            }
        }
        if caps.stls || info.startTLSConfigured {
            entry("STLS", "Support for TLS encryption via the STLS command")
        }
        text += "    AUTH:\n        Supported authentication methods:\n        "
        for method in methodOrder where caps.offers(method) {
            text += method + " "
        }
        text += "\n"
        if caps.respCodes { entry("RESP-CODES", "Server error messages in square brackets have a special meaning") }
        if caps.authRespCode {
            entry("AUTH-RESP-CODE", "Server error messages in square brackets have a special meaning")
        }
        if caps.stls && !info.tlsActive {
            text += "This server might advertise more or other capabilities\n    when TLS is active.\n"
        }
        if !info.authenticated {
            text += "This server might advertise more or other capabilities\n    after successful authentication.\n"
        }
        if !caps.capa {
            text += "This server does not support the CAPA command, so this\n    list is probably not complete.\n"
        }
        return text
    }
}
