#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// What an account shares with others of the same run in a way that rules
/// out serving them at the same time (``AccountQueue``):
///
/// - its UIDLs file: the file is locked for the whole session, so a second
///   account would only wait for it (or give up after 10 seconds);
/// - its login, host and user: most servers lock the mailbox for the
///   session and refuse a second login (`[IN-USE]`), and with `keep off`
///   the first account deletes what the second would list.
///
/// A maildir, an Exchange directory or an MDA is no reason: each delivery
/// there has a name of its own (or is the MDA's to serialize). Nor is an
/// mbox: it is only opened when there is mail to deliver, and an account
/// that finds it held by another account of the run waits for it
/// (``InProcessFileGate``), so polls that find nothing new run side by
/// side. Files are named by their real path, so that two spellings of one
/// file (a symbolic link, `a/../b`) are one key; a file that does not
/// exist yet by the real path of its folder.
enum ConflictKeys {
    static func keys(of account: Account) -> Set<String> {
        var keys: Set<String> = ["uidls " + canonicalPath(account.uidlsFile)]
        let server = (account.host ?? account.socket ?? "").lowercased()
        keys.insert("login " + server + "\u{0}" + (account.user ?? ""))
        return keys
    }

    /// `realpath` of `path`, or of its folder joined with its last part
    /// when it does not exist, or `path` itself.
    static func canonicalPath(_ path: String) -> String {
        if let resolved = realPath(path) { return resolved }
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else {
            return realPath(".").map { $0 + "/" + path } ?? path
        }
        let folder = slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        let name = String(decoding: bytes[(slash + 1)...], as: UTF8.self)
        guard let resolved = realPath(folder) else { return path }
        return (resolved == "/" ? "" : resolved) + "/" + name
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
