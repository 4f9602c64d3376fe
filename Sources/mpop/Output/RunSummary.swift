import POP3Core

/// What one account's run in retrieval mode did, printed by
/// `--summary=json` as one line of JSON on stdout once the account is done:
///
/// ```
/// {"account":"work","host":"pop.example.org","user":"jdoe","status":0,"total":3,"new":2,"retrieved":2,"skipped":0,"deleted":3,"bytes":5120}
/// ```
///
/// The keys always come in this order. `account` is `null` in `--host`
/// mode, `host` is the socket's path when only `socket` is set, and `user`
/// is `null` when there is none. `total` and `new` are `null` when the run
/// ended before the mailbox was listed (connection, TLS or authentication
/// failed, or `-A`). `error` and `server_message` appear only when
/// `status` is not 0: they are the lines mpop prints as `mpop: ...` and
/// `mpop: POP3 server message: ...`.
struct RunSummary: Equatable {
    /// The account's name; `nil` in `--host` mode.
    var account: String?
    var host: String?
    var user: String?
    /// The exit status this account alone would give.
    var status = ExitStatus.ok
    var error: String?
    var serverMessage: String?
    /// Messages in the mailbox (STAT), once known.
    var total: Int?
    /// Messages not in the UIDLs file (all of them without UIDL), once known.
    var new: Int?
    /// Messages delivered: committed to the maildir, mbox, exchange
    /// directory or accepted by the MDA.
    var retrieved = 0
    /// Messages that `killsize`, `skipsize` or the header filter kept from
    /// being retrieved (whether or not they were deleted).
    var skipped = 0
    /// Messages the server deleted: DELE accepted and QUIT succeeded.
    var deleted = 0
    /// The sum of the sizes the server announced (LIST) for the retrieved
    /// messages.
    var bytes: Int64 = 0

    /// The summary of `account` before anything happened.
    init(account: Account) {
        self.account = account.name
        host = account.host ?? account.socket
        user = account.user
    }

    /// Records the error the account's run ended with.
    mutating func fail(with error: any Error) {
        status = exitStatus(for: error)
        if let error = error as? any ReportableError {
            self.error = error.explanation
            serverMessage = error.serverMessage
        } else {
            self.error = String(describing: error)
        }
    }

    /// The JSON object, on one line, with its line feed.
    var jsonLine: String {
        var fields = [
            ("account", JSONText.string(account)),
            ("host", JSONText.string(host)),
            ("user", JSONText.string(user)),
            ("status", String(status.rawValue)),
            ("total", JSONText.number(total)),
            ("new", JSONText.number(new)),
            ("retrieved", String(retrieved)),
            ("skipped", String(skipped)),
            ("deleted", String(deleted)),
            ("bytes", String(bytes)),
        ]
        if status != .ok {
            fields.append(("error", JSONText.string(error ?? "")))
            if let serverMessage {
                fields.append(("server_message", JSONText.string(serverMessage)))
            }
        }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n"
    }
}
