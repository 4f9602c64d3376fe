#if canImport(Glibc)
import Glibc
#endif

/// `delivery exchange DIR`: each message becomes a file in an MS Exchange
/// pickup directory (mpop `delivery.c`, exchange method).
///
/// The file `mpop-<sec>-M<usec>P<pid>Q<seq>-<host>.eml` is created directly
/// in DIR (exclusively, mode 0600) and write-locked with `fcntl` without
/// waiting, so that a pickup service that honours locks does not read half a
/// message; every line, the Received header's included, ends in CRLF. There
/// is no rename. The lock is held until ``syncCommitted()`` syncs and closes
/// the file.
///
/// As for ``MaildirSink``, mpop's `chdir` and `umask(077)` are not copied.
public final class ExchangeSink: MessageSink {
    /// The pickup directory as configured; error messages name it so.
    public let path: String
    public var needsEnvelopeFrom: Bool { false }

    let calls: FileSystemCalls
    let host: String
    private(set) var directory: Int32
    var buffer = OutputBuffer()
    var writerActive = false
    var committed = CommittedFiles()

    /// Opens the pickup directory.
    /// - Throws: ``DeliveryError/cannotChangeDirectory(path:errno:)``.
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
        let name = UniqueFileName.exchange(host: host)
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DeliveryError.cannotCreate(path: "\(path)/\(name)", errno: errno)
        }
        switch RecordLock.lockForWriting(fd, timeout: 0) {
        case .locked:
            break
        case let .failed(error), let .timedOut(error):
            Glibc.close(fd)
            unlinkat(directory, name, 0)
            throw DeliveryError.cannotLock(path: "\(path)/\(name)", errno: error)
        }
        writerActive = true
        buffer.removeAll()
        var encoder = LineEncoder(lineEnding: .crlf)
        for line in receivedHeader ?? [] {
            encoder.encodeRaw(line, into: &buffer)
        }
        return ExchangeWriter(sink: self, fd: fd, name: name, encoder: encoder)
    }

    public func syncCommitted() throws {
        precondition(!writerActive, "syncCommitted() during a message")
        guard directory >= 0 else { return }
        try committed.sync(directories: [(directory, path)], removingFailuresFrom: directory, calls: calls)
    }

    /// Closes the directory. Committed files not yet synced are closed
    /// unsynced, which releases their locks.
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
