import POP3Core

/// The lines of the fetch log (`logfile`, `syslog`; ours, after msmtp's
/// log): `KEY=VALUE` fields separated by blanks, without the time, which
/// only the log file puts in front.
///
/// ```
/// account=work host=pop.example.org user=jdoe uid=0001 size=1234 delivery=maildir result=delivered
/// account=work host=pop.example.org user=jdoe uid=0002 size=99999 delivery=maildir result=skipped reason=skipsize
/// account=work host=pop.example.org user=jdoe session=ok total=3 new=2 delivered=1 skipped=1 deleted=2 exitcode=EX_OK
/// account=work host=pop.example.org user=jdoe session=failed total=- new=- delivered=0 skipped=0 deleted=0 errormsg='authentication failed (method USER)' pop3msg='-ERR [AUTH] Authentication failed.' exitcode=EX_NOPERM
/// ```
///
/// `account` is left out in `--host` mode, `user` when there is none, `uid`
/// without UIDL. Text from outside has its control characters replaced by
/// `?`; the quoted messages have their `'` replaced by `"`, so every line
/// splits back into its fields. No field ever holds a password or a token:
/// the lines are built from the account's name, host and user, the
/// message's UID and size, and our errors, which never carry secrets.
enum FetchLogLine {
    /// The line for one message's event.
    static func message(_ event: MessageEvent, account: Account) -> String {
        var fields = identity(account)
        if let uid = event.uid { fields.append("uid=" + Sanitizer.sanitized(uid)) }
        fields.append("size=\(event.size)")
        if let delivery = account.delivery { fields.append("delivery=" + method(delivery)) }
        switch event.outcome {
        case .delivered: fields.append("result=delivered")
        case .skipped(let reason): fields += ["result=skipped", "reason=" + reason.rawValue]
        case .killed(let reason): fields += ["result=killed", "reason=" + reason.rawValue]
        case .deleted: fields.append("result=deleted")
        case .kept: fields.append("result=kept")
        }
        return fields.joined(separator: " ")
    }

    /// The line for the end of an account's session.
    static func session(_ summary: RunSummary, account: Account) -> String {
        var fields = identity(account)
        fields.append(summary.status == .ok ? "session=ok" : "session=failed")
        fields.append("total=" + (summary.total.map(String.init) ?? "-"))
        fields.append("new=" + (summary.new.map(String.init) ?? "-"))
        fields += ["delivered=\(summary.retrieved)", "skipped=\(summary.skipped)", "deleted=\(summary.deleted)"]
        if summary.status != .ok {
            fields.append("errormsg=" + quoted(summary.error ?? ""))
            if let server = summary.serverMessage { fields.append("pop3msg=" + quoted(server)) }
        }
        fields.append("exitcode=" + exitCodeName(summary.status))
        return fields.joined(separator: " ")
    }

    /// `EX_OK`, `EX_TEMPFAIL`, ... as msmtp's log names exit codes.
    static func exitCodeName(_ status: ExitStatus) -> String {
        if status == .ok { return "EX_OK" }
        guard let description = status.sysexitsDescription,
              let colon = description.utf8.firstIndex(of: UInt8(ascii: ":")) else {
            return String(status.rawValue)
        }
        return String(description[..<colon])
    }

    private static func identity(_ account: Account) -> [String] {
        var fields: [String] = []
        if let name = account.name { fields.append("account=" + Sanitizer.sanitized(name)) }
        fields.append("host=" + Sanitizer.sanitized(account.host ?? account.socket ?? ""))
        if let user = account.user { fields.append("user=" + Sanitizer.sanitized(user)) }
        return fields
    }

    private static func method(_ delivery: Account.Delivery) -> String {
        switch delivery {
        case .mda: "mda"
        case .maildir: "maildir"
        case .mbox: "mbox"
        case .exchange: "exchange"
        }
    }

    private static func quoted(_ text: String) -> String {
        let bytes = Sanitizer.sanitized(text).utf8.map { $0 == UInt8(ascii: "'") ? UInt8(ascii: "\"") : $0 }
        return "'" + String(decoding: bytes, as: UTF8.self) + "'"
    }
}
