import CGnuTLS
import Glibc
import POP3Core

/// The bridge between a GnuTLS session and the socket: GnuTLS's push, pull
/// and pull-timeout callbacks land here and go through ``SocketIO``, so TLS
/// records obey the account's timeout and abort signals like plain reads.
///
/// A callback cannot throw; it keeps the ``NetworkError`` in ``failure``,
/// returns -1 with `errno` set to `EIO` (a fatal push or pull error for
/// GnuTLS), and the caller rethrows the kept error.
///
/// Pulls are served from a read-ahead buffer: GnuTLS asks for a record's
/// 5-byte header and then for its body, and a server that sends one small
/// record per message would otherwise cost two `recv` calls per record.
final class GnuTLSChannel {
    let io: SocketIO
    /// The socket failure behind GnuTLS's last error, if any.
    var failure: NetworkError?
    /// Bytes received from the socket that GnuTLS has not pulled yet:
    /// `readAhead[readStart..<readEnd]`.
    private let readAhead: UnsafeMutableRawBufferPointer
    private var readStart = 0
    private var readEnd = 0

    init(io: SocketIO) {
        self.io = io
        readAhead = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        readAhead.deallocate()
    }

    /// Installs the callbacks on `session`; `self` must outlive the session.
    func attach(to session: gnutls_session_t) {
        gnutls_transport_set_ptr(session, Unmanaged.passUnretained(self).toOpaque())
        gnutls_transport_set_push_function(session) { pointer, data, size in
            GnuTLSChannel.from(pointer).push(data, size)
        }
        gnutls_transport_set_pull_function(session) { pointer, data, size in
            GnuTLSChannel.from(pointer).pull(data, size)
        }
        gnutls_transport_set_pull_timeout_function(session) { pointer, milliseconds in
            GnuTLSChannel.from(pointer).waitForData(milliseconds)
        }
    }

    private static func from(_ pointer: gnutls_transport_ptr_t?) -> GnuTLSChannel {
        Unmanaged<GnuTLSChannel>.fromOpaque(pointer!).takeUnretainedValue()
    }

    private func push(_ data: UnsafeRawPointer?, _ size: Int) -> Int {
        do {
            return try io.send(UnsafeRawBufferPointer(start: data, count: size))
        } catch {
            return fail(error)
        }
    }

    private func pull(_ data: UnsafeMutableRawPointer?, _ size: Int) -> Int {
        guard let data, size > 0 else { return 0 }
        if readStart == readEnd {
            if size >= readAhead.count {
                // A pull as large as the buffer gains nothing from it.
                do {
                    return try io.receive(into: UnsafeMutableRawBufferPointer(start: data, count: size))
                } catch {
                    return fail(error)
                }
            }
            do {
                readStart = 0
                readEnd = try io.receive(into: readAhead)
            } catch {
                return fail(error)
            }
            if readEnd == 0 { return 0 }
        }
        let count = min(size, readEnd - readStart)
        data.copyMemory(from: readAhead.baseAddress! + readStart, byteCount: count)
        readStart += count
        return count
    }

    /// GnuTLS asks whether data arrives within `milliseconds`: 1 yes, 0 no,
    /// -1 error. An indefinite wait is bounded by the account's timeout.
    private func waitForData(_ milliseconds: UInt32) -> Int32 {
        if readStart < readEnd { return 1 }
        if milliseconds == cgnutls_indefinite_timeout() {
            do {
                try io.waitUntilReady(Int16(POLLIN), failure: NetworkError.readFailed, timedOut: .readTimedOut)
                return 1
            } catch {
                return Int32(fail(error))
            }
        }
        var entry = pollfd(fd: io.descriptor, events: Int16(POLLIN), revents: 0)
        let result = poll(&entry, 1, Int32(clamping: milliseconds))
        return result < 0 ? -1 : (result > 0 ? 1 : 0)
    }

    private func fail(_ error: NetworkError) -> Int {
        failure = error
        errno = EIO
        return -1
    }
}
