import Glibc

/// Blocking reads and writes on a connected socket, each bounded by the
/// account's `timeout` through `poll`.
///
/// Both the plain ``SocketTransport`` and the TLS layer's transport callbacks
/// move their bytes through this, so a silent server, a signal and an I/O
/// error read the same whichever is on top.
public struct SocketIO: Sendable {
    /// The socket; owned by whoever made this value, never closed here.
    public let descriptor: Int32
    /// Seconds a single read or write may wait, or `nil` to wait forever.
    public let timeoutSeconds: Int?
    /// Checked when a signal interrupts a wait: set, the wait ends with
    /// `operation aborted`; unset, it goes on.
    public let cancellation: Cancellation

    public init(descriptor: Int32, timeoutSeconds: Int?, cancellation: Cancellation = .never) {
        self.descriptor = descriptor
        // mpop ignores a timeout of zero or less.
        self.timeoutSeconds = timeoutSeconds.flatMap { $0 > 0 ? $0 : nil }
        self.cancellation = cancellation
    }

    /// Reads what is available, waiting for at least one byte; returns 0 at
    /// the end of the stream.
    /// - Throws: ``NetworkError/readTimedOut``, `.aborted(.transfer)` when a
    ///   signal interrupts the wait and ``cancellation`` is set, or
    ///   `.readFailed` with `strerror`.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetworkError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            // Try first and wait only when nothing is there: during a
            // transfer data is nearly always waiting, and a poll before every
            // read doubled the system calls.
            let count = recv(descriptor, base, buffer.count, Int32(MSG_DONTWAIT))
            if count >= 0 { return count }
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK {
                try waitUntilReady(Int16(POLLIN), failure: NetworkError.readFailed, timedOut: .readTimedOut)
                continue
            }
            if code == EINTR {
                if cancellation.isCancelled { throw .aborted(.transfer) }
                continue
            }
            throw .readFailed(reason: systemErrorDescription(code))
        }
    }

    /// Writes some of `bytes`, waiting until the socket takes at least one
    /// byte, and returns how many it took.
    /// - Throws: ``NetworkError/writeTimedOut``, `.aborted(.transfer)`, or
    ///   `.writeFailed` with `strerror` (`Broken pipe` when the peer is gone:
    ///   SIGPIPE is suppressed).
    public func send(_ bytes: UnsafeRawBufferPointer) throws(NetworkError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        while true {
            try waitUntilReady(Int16(POLLOUT), failure: NetworkError.writeFailed, timedOut: .writeTimedOut)
            let count = Glibc.send(descriptor, base, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            let code = errno
            if code == EINTR || code == EAGAIN || code == EWOULDBLOCK {
                if code == EINTR && cancellation.isCancelled { throw .aborted(.transfer) }
                continue
            }
            throw .writeFailed(reason: systemErrorDescription(code))
        }
    }

    /// Writes all of `bytes`.
    public func sendAll(_ bytes: UnsafeRawBufferPointer) throws(NetworkError) {
        var offset = 0
        while offset < bytes.count {
            offset += try send(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }

    /// Reads exactly `count` bytes.
    /// - Throws: `.readFailed(reason: nil)` (plain `network read error`, as
    ///   mpop words a short read) when the stream ends first.
    public func receiveExactly(_ count: Int) throws(NetworkError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let attempt = result.withUnsafeMutableBytes { buffer in
                Result { () throws(NetworkError) -> Int in
                    try receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
            }
            let got = try attempt.get()
            if got == 0 { throw .readFailed(reason: nil) }
            filled += got
        }
        return result
    }

    /// Waits until the socket is ready for `events` (or has an error or hang-up
    /// to report, which the following call then returns).
    public func waitUntilReady(_ events: Int16, failure: (String?) -> NetworkError,
                               timedOut: NetworkError) throws(NetworkError) {
        let deadline = timeoutSeconds.map { ContinuousClock.now + .seconds($0) }
        guard try wait(for: events, until: deadline, failure: failure) else { throw timedOut }
    }

    /// Waits up to `timeout` (not the account's) for something to read:
    /// bytes, the end of the stream or an error, which the next read reports.
    /// - Returns: `false` when nothing came in time.
    /// - Throws: `.aborted(.transfer)` when a signal interrupts the wait and
    ///   ``cancellation`` is set, `.readFailed` when `poll` fails.
    public func waitForInput(timeout: Duration) throws(NetworkError) -> Bool {
        try wait(for: Int16(POLLIN), until: ContinuousClock.now + timeout, failure: NetworkError.readFailed)
    }

    /// `poll` until `deadline` (or forever), resumed after a signal unless
    /// ``cancellation`` is set; `false` when the time ran out.
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant?,
                      failure: (String?) -> NetworkError) throws(NetworkError) -> Bool {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let result = poll(&entry, 1, Self.milliseconds(until: deadline))
            if result > 0 { return true }
            if result == 0 { return false }
            let code = errno
            if code == EINTR {
                if cancellation.isCancelled { throw .aborted(.transfer) }
                continue
            }
            throw failure(systemErrorDescription(code))
        }
    }

    /// The poll timeout for `deadline`: -1 for none, else the milliseconds
    /// left, rounded up so that we never wake just before it.
    static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis)
    }
}
