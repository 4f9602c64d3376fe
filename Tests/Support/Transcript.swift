/// Pieces of POP3 dialogues in the transcript format of ``ScriptedServer``
/// and ``ScriptedTransport``, shared by tests that play the same mailbox.
public enum Transcript {
    /// STAT, LIST and UIDL of a mailbox with one message of `size` bytes.
    public static func oneMessageListed(size: Int = 10, uid: String = "u1") -> String {
        """
        --> STAT
        <-- +OK 1 \(size)
        --> LIST
        <-- +OK
        <-- 1 \(size)
        <-- .
        --> UIDL
        <-- +OK
        <-- 1 \(uid)
        <-- .
        """
    }

    /// `USER joe` and `PASS pw`, both accepted.
    public static let userLogin = """
        --> USER joe
        <-- +OK
        --> PASS pw
        <-- +OK
        """

    /// DELE of message 1 and QUIT, both accepted.
    public static let deleteFirstAndQuit = """
        --> DELE 1
        <-- +OK
        --> QUIT
        <-- +OK
        """

    /// A whole session: no CAPA, `USER joe` and `PASS pw`, one 10-byte
    /// message (UID `u1`, `Subject: x`) retrieved and deleted, QUIT.
    public static let oneMessageRetrievedAndDeleted = """
        <-- +OK ready
        --> CAPA
        <-- -ERR
        \(userLogin)
        \(oneMessageListed())
        --> RETR 1
        <-- +OK
        <-- Subject: x
        <--
        <-- .
        \(deleteFirstAndQuit)
        """
}
