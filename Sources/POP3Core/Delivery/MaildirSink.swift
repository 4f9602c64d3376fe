#if canImport(Glibc)
import Glibc
#endif

/// `delivery maildir DIR`: each message becomes a file in `DIR/new`
/// (mpop `delivery.c`, maildir method).
///
/// A message is written to `tmp/<sec>.M<usec>P<pid>Q<seq>.<host>` (created
/// exclusively, mode 0600); once it is synced it is hard-linked to `new/`
/// and unlinked from `tmp/`. Where the file system refuses hard links
/// (EPERM, ENOTSUP, EXDEV, ...) it is renamed instead. The directory must
/// exist with `tmp/` and `new/`; nothing is created.
///
/// Unlike mpop, which syncs and links every file on its own,
/// ``syncCommitted()`` syncs the batch's files, links them all, and then
/// syncs `new/` and `tmp/` once; and mpop's
/// `chdir` into the maildir and `umask(077)` are not copied: the sink works
/// relative to a descriptor of the directory, and gives its files mode 0600
/// itself.
public final class MaildirSink: MessageSink {
    /// The maildir as configured; error messages name it so.
    public var path: String { directory.path }
    public var needsEnvelopeFrom: Bool { false }

    let directory: DeliveryDirectory

    /// Opens the maildir.
    /// - Throws: ``DeliveryError/cannotChangeDirectory(path:errno:)`` when
    ///   `path` is not a directory that can be opened.
    public convenience init(path: String) throws(DeliveryError) {
        try self.init(path: path, calls: .system)
    }

    init(path: String, calls: FileSystemCalls) throws(DeliveryError) {
        directory = try DeliveryDirectory(path: path, calls: calls)
    }

    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        let name = UniqueFileName.maildir(host: directory.host)
        let fd = try directory.create("tmp/" + name)
        let encoder = directory.startMessage(receivedHeader: receivedHeader, lineEnding: .lf)
        return MaildirWriter(directory: directory, fd: fd, name: name, encoder: encoder)
    }

    public func syncCommitted() throws {
        try directory.syncCommitted(subdirectories: ["new", "tmp"])
    }

    /// Closes the maildir. Committed files not yet synced are closed unsynced.
    public func close() throws {
        directory.close()
    }
}
