import Foundation
import Glibc
import TestSupport

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
        (listener, port) = try Loopback.listen(backlog: 8)
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
    private var reader: SocketLines
    /// Lines the client sent.
    private(set) var received: [String] = []

    init(fd: Int32) {
        self.fd = fd
        reader = SocketLines(fd)
    }

    /// Sends bytes; false once the client has gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        Loopback.sendAll(fd, bytes)
    }

    /// Sends a line and CRLF.
    @discardableResult
    func line(_ text: String) -> Bool { send(Array(text.utf8) + [13, 10]) }

    /// The next line from the client without its line ending, or nil when
    /// it closed or stayed silent for `timeout` seconds.
    func readLine(timeout: Double = 20) -> String? {
        let line = reader.nextLine(timeout: timeout)
        if let line { received.append(line) }
        return line
    }

    /// Sends `chunk` again and again until the client goes away or `limit` bytes were sent.
    func stream(_ chunk: [UInt8], limit: Int = .max) {
        var sent = 0
        while sent < limit, send(chunk) { sent += chunk.count }
    }
}
