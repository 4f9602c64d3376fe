#if canImport(Glibc)
import Glibc
#endif

/// `delivery mbox FILE`: appends each message to an mbox file in MBOXRD
/// format (mpop `delivery.c`, mbox method).
///
/// The file is opened for appending (created with mode 0600) and write-locked
/// with `fcntl` when the sink is made; it stays locked until ``close()``.
/// Each message is `From <envelope> <asctime(gmtime(now))>`, the Received
/// header, the message with `>*From ` lines quoted, and one blank line.
///
/// Unlike mpop, a message that fails halfway (write error, full disk,
/// ``MessageWriter/abort()``) is cut off again with `ftruncate`, so the mbox
/// never ends in half a message; and a failed ``syncCommitted()`` cuts the
/// unsynced messages, which will be fetched again.
///
/// In a regular file, each write of a message is announced in the journal
/// first (``AppendIntent``), and a complete message is proven by its offset
/// and checksum (``DeliveryProof``): a run killed in the middle of a
/// message leaves a tail that the next run can cut (``MboxRepair``), and one
/// killed right after a message does not fetch it again.
public final class MboxSink: MessageSink {
    /// The mbox as configured; error messages name it so.
    public let path: String
    public var needsEnvelopeFrom: Bool { true }

    let calls: FileSystemCalls
    private var fd: Int32
    /// Shared by the sink's writers (one message at a time), so that its
    /// storage is allocated once per session, not once per message.
    var buffer = OutputBuffer()
    var writerActive = false
    /// The file size after the last successful sync (or at opening).
    private var syncedSize: off_t
    /// Whether this sink created the file and its directory entry is not
    /// yet synced.
    private var createdFile = false
    /// Where the next message goes, in a regular file (nil for a FIFO or
    /// a device such as /dev/null): kept by the sink, which holds the lock,
    /// instead of asking the kernel for each message.
    var fileEnd: Int64?
    /// The mbox's absolute path, for the journal's records: a later run
    /// may start in another directory.
    let absolutePath: String
    /// This process's hold on the file (``InProcessFileGate``), until close.
    private var gateKey: InProcessFileGate.Key?
    /// The date part of the last `From ` line, and the second it shows:
    /// messages delivered within one second share it.
    private var lastDate: (time: time_t, text: [UInt8])?

    /// Opens and locks `path`, trying for 10 seconds if another process
    /// holds the lock, unless `cancellation` is set meanwhile.
    /// - Throws: ``DeliveryError`` `cannotOpen`, `lockTimedOut`, `cannotLock`.
    public convenience init(path: String, cancellation: Cancellation = .never) throws(DeliveryError) {
        try self.init(path: path, lockTimeout: 10, calls: .system, cancellation: cancellation)
    }

    init(path: String, lockTimeout: Int, calls: FileSystemCalls,
         cancellation: Cancellation = .never) throws(DeliveryError) {
        self.path = path
        self.calls = calls
        var fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        var created = false
        if fd < 0 && errno == ENOENT {
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            created = fd >= 0
            if fd < 0 && errno == EEXIST {
                // Created meanwhile, or a symbolic link whose target does
                // not exist yet: O_EXCL never follows a link.
                fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            }
        }
        guard fd >= 0 else {
            throw .cannotOpen(path: path, errno: errno)
        }
        var gateKey: InProcessFileGate.Key?
        do throws(FileLock.Failure) {
            gateKey = try InProcessFileGate.shared.enter(fd: fd, cancellation: cancellation)
            try FileLock.lockForWriting(fd, seconds: lockTimeout, cancellation: cancellation)
        } catch {
            Glibc.close(fd)
            if let gateKey { InProcessFileGate.shared.leave(gateKey) }
            throw .locking(error, path: path, seconds: lockTimeout)
        }
        self.gateKey = gateKey
        self.fd = fd
        createdFile = created
        syncedSize = lseek(fd, 0, SEEK_END)
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && syncedSize >= 0 {
            fileEnd = Int64(syncedSize)
        }
        if let resolved = realpath(path, nil) {
            absolutePath = String(cString: resolved)
            free(resolved)
        } else {
            absolutePath = path
        }
    }

    public func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        precondition(fd >= 0, "begin() after close()")
        precondition(!writerActive, "begin() before the previous message was committed or aborted")
        writerActive = true
        buffer.removeAll()
        var encoder = LineEncoder(quotesFromLines: true, lineEnding: .lf)
        let now = time(nil)
        if lastDate?.time != now {
            lastDate = (now, Self.asctimeDate(now))
        }
        buffer.append("From ")
        buffer.append(envelopeFrom ?? "MAILER-DAEMON")
        buffer.append(UInt8(ascii: " "))
        buffer.append(lastDate!.text)
        encoder.encodeRaw("", into: &buffer)
        for line in receivedHeader ?? [] {
            encoder.encodeRaw(line, into: &buffer)
        }
        return MboxWriter(sink: self, encoder: encoder)
    }

    /// Writes the buffer and adds what it wrote to `count`; returns 0 or
    /// the `errno` of the failed write.
    func flushBuffer(count: inout Int) -> Int32 {
        defer { buffer.removeAll() }
        return calls.writeAll(fd, buffer, count: &count)
    }

    /// Cuts off the last `count` bytes written: a message that failed.
    /// With `O_APPEND` each of its writes went to the end of the file, and
    /// the lock keeps other writers out until the sink closes. A FIFO or a
    /// device, where `lseek` gives -1 or `ftruncate` fails, is left alone.
    func cutOff(lastBytes count: Int) {
        let end = lseek(fd, 0, SEEK_END)
        if end >= off_t(count) {
            _ = ftruncate(fd, end - off_t(count))
        }
        if fileEnd != nil {
            fileEnd = Int64(lseek(fd, 0, SEEK_END))
        }
    }

    /// Cuts the file back to `size` (a FIFO or device, where `lseek` gave
    /// -1 or `ftruncate` fails, is left alone).
    func truncate(to size: off_t) {
        if size >= 0 {
            _ = ftruncate(fd, size)
        }
        if fileEnd != nil {
            fileEnd = Int64(lseek(fd, 0, SEEK_END))
        }
    }

    public func syncCommitted() throws {
        precondition(!writerActive, "syncCommitted() during a message")
        guard fd >= 0 else { return }
        // EINVAL: the file cannot be synced, e.g. /dev/null; mpop ignores it.
        if calls.fsync(fd) != 0 && errno != EINVAL {
            let error = errno
            truncate(to: syncedSize)
            throw DeliveryError.cannotSync(path: path, errno: error)
        }
        // A new mbox's name: without it a power loss takes the whole file.
        if createdFile {
            let directory = FileSystem.directory(of: absolutePath)
            if case .failure(let error) = FileSystem.syncDirectory(directory) {
                truncate(to: syncedSize)
                throw DeliveryError.cannotSync(path: directory, errno: error.code)
            }
            createdFile = false
        }
        syncedSize = lseek(fd, 0, SEEK_END)
    }

    /// Closes the file, which releases the lock. Does not sync.
    public func close() throws {
        guard fd >= 0 else { return }
        let fd = self.fd
        self.fd = -1
        let closed = Glibc.close(fd)
        let code = errno
        leaveGate()
        if closed != 0 {
            throw DeliveryError.cannotClose(path: path, errno: code)
        }
    }

    /// After the file (and its lock) is closed: the next account of this
    /// run that delivers here may go on.
    private func leaveGate() {
        if let gateKey {
            self.gateKey = nil
            InProcessFileGate.shared.leave(gateKey)
        }
    }

    deinit {
        if fd >= 0 {
            Glibc.close(fd)
            leaveGate()
        }
    }

    /// `From <envelope> <asctime>`: asctime of the UTC time, English names,
    /// the day as `%3d` (so `Nov  2`), without the trailing newline.
    static func fromLine(envelopeFrom: String, time: time_t) -> String {
        String(decoding: Array("From \(envelopeFrom) ".utf8) + asctimeDate(time), as: UTF8.self)
    }

    /// The date of a `From ` line: `asctime` of the UTC time without its
    /// newline, as `Thu Jan  1 00:00:00 1970`.
    static func asctimeDate(_ time: time_t) -> [UInt8] {
        var time = time
        var parts = tm()
        gmtime_r(&time, &parts)
        var line: [UInt8] = []
        line.reserveCapacity(24)
        line.append(contentsOf: Self.dayNames[Int(parts.tm_wday)].utf8)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: Self.monthNames[Int(parts.tm_mon)].utf8)
        func append(_ value: Int32, width: Int, pad: UInt8) {
            var digits: [UInt8] = []
            var rest = value
            repeat {
                digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            if digits.count < width { line.append(contentsOf: repeatElement(pad, count: width - digits.count)) }
            line.append(contentsOf: digits.reversed())
        }
        append(parts.tm_mday, width: 3, pad: UInt8(ascii: " "))
        line.append(UInt8(ascii: " "))
        append(parts.tm_hour, width: 2, pad: UInt8(ascii: "0"))
        line.append(UInt8(ascii: ":"))
        append(parts.tm_min, width: 2, pad: UInt8(ascii: "0"))
        line.append(UInt8(ascii: ":"))
        append(parts.tm_sec, width: 2, pad: UInt8(ascii: "0"))
        line.append(UInt8(ascii: " "))
        append(parts.tm_year + 1900, width: 0, pad: UInt8(ascii: "0"))
        return line
    }

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
