import Foundation
import TestSupport

/// A one-connection TCP proxy on 127.0.0.1 in front of a server, which cuts
/// both sides abruptly once it has passed `cutAfter` bytes from the server
/// to the client: a connection that dies at an exact point of a session.
final class CuttingProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cut = false
    private var passed = 0

    /// Whether the cut happened (the session was longer than `cutAfter`).
    var didCut: Bool { lock.lock(); defer { lock.unlock() }; return cut }
    /// Bytes passed from the server to the client.
    var bytesPassed: Int { lock.lock(); defer { lock.unlock() }; return passed }

    init(targetPort: Int, cutAfter: Int) throws {
        (listener, port) = try Loopback.listen(backlog: 1)
        Thread { [self] in
            relay(targetPort: targetPort, cutAfter: cutAfter)
            done.signal()
        }.start()
    }

    /// Waits (bounded) for the relay to end.
    func finish(timeout: Double = 30) {
        if done.wait(timeout: .now() + timeout) == .timedOut { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    deinit { close(listener) }

    private func relay(targetPort: Int, cutAfter: Int) {
        var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, 30_000) == 1 else { return }
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return }
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = Loopback.connect(server, port: targetPort)
        var serverEnded = false
        defer {
            // A cut is an abortive close (RST), as a dying link or server
            // would give; a server that ended the session itself is passed
            // on as the orderly close it was.
            if !serverEnded {
                var hard = linger(l_onoff: 1, l_linger: 0)
                for fd in [client, server] {
                    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, socklen_t(MemoryLayout<linger>.size))
                }
            }
            close(client)
            close(server)
        }
        guard connected == 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
        while poll(&fds, 2, 30_000) > 0 {
            if fds[0].revents != 0 {
                let n = recv(client, &buffer, buffer.count, 0)
                guard n > 0, send(server, buffer, n, Int32(MSG_NOSIGNAL)) == n else { return }
            }
            if fds[1].revents != 0 {
                let n = recv(server, &buffer, buffer.count, 0)
                if n == 0 {
                    serverEnded = true
                    return
                }
                guard n > 0 else { return }
                lock.lock()
                let allowed = min(n, cutAfter - passed)
                passed += allowed
                if allowed < n { cut = true }
                lock.unlock()
                if allowed > 0 { _ = send(client, buffer, allowed, Int32(MSG_NOSIGNAL)) }
                if allowed < n { return }
            }
        }
    }
}
