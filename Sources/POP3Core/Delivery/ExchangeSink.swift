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
    public var path: String { directory.path }
    public var needsEnvelopeFrom: Bool { false }

    let directory: DeliveryDirectory

    /// Opens the pickup directory.
    /// - Throws: ``DeliveryError/cannotChangeDirectory(path:errno:)``.
    public convenience init(path: String) throws(DeliveryError) {
        try self.init(path: path, calls: .system)
    }

    init(path: String, calls: FileSystemCalls) throws(DeliveryError) {
        directory = try DeliveryDirectory(path: path, calls: calls)
    }

    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        let name = UniqueFileName.exchange(host: directory.host)
        let fd = try directory.create(name)
        do throws(FileLock.Failure) {
            try FileLock.lockForWriting(fd, seconds: 0)
        } catch {
            Glibc.close(fd)
            unlinkat(directory.descriptor, name, 0)
            switch error {
            case .failed(let code), .timedOut(let code):
                throw DeliveryError.cannotLock(path: "\(path)/\(name)", errno: code)
            case .interrupted:
                throw DeliveryError.cannotLock(path: "\(path)/\(name)", errno: EINTR)
            }
        }
        let encoder = directory.startMessage(receivedHeader: receivedHeader, lineEnding: .crlf)
        return DirectoryFileWriter(directory: directory, fd: fd, workingPath: name, encoder: encoder)
    }

    public func syncCommitted() throws {
        try directory.syncCommitted(subdirectories: [])
    }

    /// Closes the directory. Committed files not yet synced are closed
    /// unsynced, which releases their locks.
    public func close() throws {
        directory.close()
    }
}
