import Glibc

/// A connected TCP or unix domain socket with mpop's I/O timeout on every
/// read and write. It owns the descriptor and closes it in ``close()`` or
/// when it goes away.
public final class SocketTransport: SocketBackedTransport {
    private var io: SocketIO
    private var isClosed = false

    /// Takes ownership of `descriptor`, a connected stream socket in blocking
    /// mode; a signal ends a read or write when `cancellation` is set.
    public init(descriptor: Int32, timeoutSeconds: Int?, cancellation: Cancellation = .never) {
        io = SocketIO(descriptor: descriptor, timeoutSeconds: timeoutSeconds, cancellation: cancellation)
    }

    public var socketDescriptor: Int32 { io.descriptor }
    public var timeoutSeconds: Int? { io.timeoutSeconds }
    public var cancellation: Cancellation { io.cancellation }

    /// - Throws: ``NetworkError``: `network read error: ...` (74), a timeout
    ///   (74) or `operation aborted` (74).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !isClosed else { throw NetworkError.readFailed(reason: systemErrorDescription(EBADF)) }
        return try io.receive(into: buffer)
    }

    /// - Throws: ``NetworkError``: `network write error: ...` (74), a timeout
    ///   (74) or `operation aborted` (74).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !isClosed else { throw NetworkError.writeFailed(reason: systemErrorDescription(EBADF)) }
        try io.sendAll(bytes)
    }

    /// - Throws: ``NetworkError``: `operation aborted` (74), or `network
    ///   read error: ...` (74) when `poll` fails.
    public func waitForInput(timeout: Duration) throws -> Bool {
        guard !isClosed else { return true }
        return try io.waitForInput(timeout: timeout)
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(io.descriptor)
    }

    deinit {
        close()
    }
}
