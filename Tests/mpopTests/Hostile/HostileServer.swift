import Foundation
import Glibc

/// A TCP server on 127.0.0.1 that hands every connection to a closure on its
/// own thread, so a test can misbehave in ways a line script cannot:
/// streaming without end, serving two clients at once, stalling on cue.
///
/// ``stop()`` closes the listener and every open connection; the handler
/// threads then fail their next read or write and end.
final class HostileServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var open: [Int32] = []
    private var stopped = false
    private let finished = DispatchGroup()

    init(handler: @escaping @Sendable (HostileConnection) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        finished.enter()
        Thread { [self] in
            acceptLoop(handler)
            finished.leave()
        }.start()
    }

    private func acceptLoop(_ handler: @escaping @Sendable (HostileConnection) -> Void) {
        while true {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 200)
            lock.lock()
            let isStopped = stopped
            lock.unlock()
            if isStopped { return }
            guard ready == 1 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            lock.lock()
            open.append(client)
            lock.unlock()
            finished.enter()
            Thread { [self] in
                handler(HostileConnection(fd: client))
                lock.lock()
                if let index = open.firstIndex(of: client) {
                    open.remove(at: index)
                    Glibc.close(client)
                }
                lock.unlock()
                finished.leave()
            }.start()
        }
    }

    /// Stops accepting, shuts every connection down and waits for the handlers.
    func stop() {
        lock.lock()
        stopped = true
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        lock.unlock()
        _ = finished.wait(timeout: .now() + 30)
        close(listener)
    }
}

/// One client connection, as a handler sees it. Every read has a deadline.
final class HostileConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []
    /// Lines the client sent.
    private(set) var received: [String] = []

    init(fd: Int32) { self.fd = fd }

    /// Sends bytes; false once the client has gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Sends a line and CRLF.
    @discardableResult
    func line(_ text: String) -> Bool { send(Array(text.utf8) + [13, 10]) }

    /// The next line from the client without its line ending, or nil when
    /// it closed or stayed silent for `timeout` seconds.
    func readLine(timeout: Double = 20) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var bytes = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if bytes.last == 13 { bytes.removeLast() }
                let text = String(decoding: bytes, as: UTF8.self)
                received.append(text)
                return text
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(timeout * 1000)) == 1 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return nil }
            buffer += chunk[..<n]
        }
    }

    /// Sends `chunk` again and again until the client goes away or `limit` bytes were sent.
    func stream(_ chunk: [UInt8], limit: Int = .max) {
        var sent = 0
        while sent < limit, send(chunk) { sent += chunk.count }
    }
}
