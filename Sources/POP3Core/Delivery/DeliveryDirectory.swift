#if canImport(Glibc)
import Glibc
#endif

/// What maildir and Exchange delivery share: the target directory opened
/// once (every file is made relative to it, so mpop's `chdir` is not
/// needed), one message written at a time through a buffer, and the
/// committed files that wait for one sync of the batch.
final class DeliveryDirectory {
    /// The directory as configured; error messages name it so.
    let path: String
    let calls: FileSystemCalls
    /// This host's name as it goes into file names.
    let host: String
    private(set) var descriptor: Int32
    var buffer = OutputBuffer()
    var writerActive = false
    var committed = CommittedFiles()
    /// Whether the destination of committed files was found (a maildir's
    /// `new/`), checked at the first commit only.
    var destinationChecked = false

    /// Opens the directory.
    /// - Throws: ``DeliveryError/cannotChangeDirectory(path:errno:)``, the
    ///   error mpop gives when its `chdir` fails.
    init(path: String, calls: FileSystemCalls) throws(DeliveryError) {
        self.path = path
        self.calls = calls
        host = UniqueFileName.localHost()
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotChangeDirectory(path: path, errno: errno)
        }
    }

    /// Creates `relativePath` exclusively with mode 0600 for a new message.
    /// - Throws: ``DeliveryError/cannotCreate(path:errno:)``.
    func create(_ relativePath: String) throws(DeliveryError) -> Int32 {
        precondition(descriptor >= 0, "begin() after close()")
        precondition(!writerActive, "begin() before the previous message was committed or aborted")
        let fd = openat(descriptor, relativePath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .cannotCreate(path: "\(path)/\(relativePath)", errno: errno)
        }
        return fd
    }

    /// Starts the message's bytes: the Received header, if any.
    func startMessage(receivedHeader: [String]?, lineEnding: LineEncoder.LineEnding) -> LineEncoder {
        writerActive = true
        buffer.removeAll()
        var encoder = LineEncoder(lineEnding: lineEnding)
        for line in receivedHeader ?? [] {
            encoder.encodeRaw(line, into: &buffer)
        }
        return encoder
    }

    /// Syncs the committed files, then `subdirectories` (or the directory
    /// itself when there are none), once for the batch.
    func syncCommitted(subdirectories: [String]) throws {
        precondition(!writerActive, "syncCommitted() during a message")
        guard descriptor >= 0, !committed.isEmpty else { return }
        var directories: [(fd: Int32, path: String)] = []
        defer { directories.filter { $0.fd != descriptor }.forEach { Glibc.close($0.fd) } }
        if subdirectories.isEmpty {
            directories.append((descriptor, path))
        }
        for sub in subdirectories {
            let fd = openat(descriptor, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                let error = errno
                committed.closeAll()
                throw DeliveryError.cannotSync(path: "\(path)/\(sub)", errno: error)
            }
            directories.append((fd, "\(path)/\(sub)"))
        }
        try committed.sync(directories: directories, removingFailuresFrom: descriptor, calls: calls)
    }

    /// Closes the directory. Committed files not yet synced are closed
    /// unsynced (which also releases their locks).
    func close() {
        committed.closeAll()
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit {
        close()
    }
}
