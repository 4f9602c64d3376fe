#if canImport(Glibc)
import Glibc
#endif

/// `delivery maildir DIR`: each message becomes a file in `DIR/new`
/// (mpop `delivery.c`, maildir method).
///
/// A message is written to `tmp/<sec>.M<usec>P<pid>Q<seq>.<host>` (created
/// exclusively, mode 0600), then hard-linked to `new/` and unlinked from
/// `tmp/`. Where the file system refuses hard links (EPERM, ENOTSUP, EXDEV,
/// ...) it is renamed instead. The directory must exist with `tmp/` and
/// `new/`; nothing is created.
///
/// Unlike mpop, which syncs every file before linking it, ``syncCommitted()``
/// syncs the batch's files and then `new/` and `tmp/` once; and mpop's
/// `chdir` into the maildir and `umask(077)` are not copied: the sink works
/// relative to a descriptor of the directory, and gives its files mode 0600
/// itself.
public final class MaildirSink: MessageSink {
    /// The maildir as configured; error messages name it so.
    public let path: String
    public var needsEnvelopeFrom: Bool { false }

    let calls: FileSystemCalls
    let host: String
    private(set) var directory: Int32
    var buffer = OutputBuffer()
    var writerActive = false
    var committed = CommittedFiles()

    /// Opens the maildir.
    /// - Throws: ``DeliveryError/cannotChangeDirectory(path:errno:)`` when
    ///   `path` is not a directory that can be opened.
    public convenience init(path: String) throws(DeliveryError) {
        try self.init(path: path, calls: .system)
    }

    init(path: String, calls: FileSystemCalls) throws(DeliveryError) {
        self.path = path
        self.calls = calls
        host = UniqueFileName.localHost()
        directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            throw .cannotChangeDirectory(path: path, errno: errno)
        }
    }

    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        precondition(directory >= 0, "begin() after close()")
        precondition(!writerActive, "begin() before the previous message was committed or aborted")
        let name = UniqueFileName.maildir(host: host)
        let fd = openat(directory, "tmp/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DeliveryError.cannotCreate(path: "\(path)/tmp/\(name)", errno: errno)
        }
        writerActive = true
        buffer.removeAll()
        var encoder = LineEncoder(lineEnding: .lf)
        for line in receivedHeader ?? [] {
            encoder.encodeRaw(line, into: &buffer)
        }
        return MaildirWriter(sink: self, fd: fd, name: name, encoder: encoder)
    }

    public func syncCommitted() throws {
        precondition(!writerActive, "syncCommitted() during a message")
        guard directory >= 0, !committed.isEmpty else { return }
        var directories: [(fd: Int32, path: String)] = []
        defer { directories.forEach { Glibc.close($0.fd) } }
        for sub in ["new", "tmp"] {
            let fd = openat(directory, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                let error = errno
                committed.closeAll()
                throw DeliveryError.cannotSync(path: "\(path)/\(sub)", errno: error)
            }
            directories.append((fd, "\(path)/\(sub)"))
        }
        try committed.sync(directories: directories, removingFailuresFrom: directory, calls: calls)
    }

    /// Closes the maildir. Committed files not yet synced are closed unsynced.
    public func close() throws {
        guard directory >= 0 else { return }
        committed.closeAll()
        Glibc.close(directory)
        directory = -1
    }

    deinit {
        committed.closeAll()
        if directory >= 0 {
            Glibc.close(directory)
        }
    }
}
