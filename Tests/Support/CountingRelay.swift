import Foundation

/// A TCP relay on 127.0.0.1 in front of a server that counts, for each
/// connection, the round trips the client waited for ("client turns"), with
/// the definition `Benchmarks/latency` uses:
///
/// A turn is counted each time the client sends data after the relay has
/// passed server data to it since the client's previous send. The wait for
/// the greeting is one turn; every TLS handshake flight the client waits
/// for is one. Closing (FIN) is not a send: the wait for the QUIT reply is
/// a turn only when the client sends something after it (the TLS
/// close_notify), so over plain POP3 it is never counted. (Counting the FIN
/// would make TLS counts race: the server's close_notify may pass between
/// the client's close_notify and its FIN, which are no wait at all.) The
/// TCP connect is not counted.
///
/// Each connection has its own thread, which polls both sockets and, when
/// both are readable at once, takes the client's data first: that data was
/// sent before the client could have seen the server data not yet passed
/// on, so it is no answer to it. What remains nondeterministic is server
/// data the client did not ask for (such as TLS 1.3 session tickets) that
/// overtakes a send the client was about to make anyway; the counts of
/// the tests are checked for stability by running them repeatedly.
///
/// Thread-safe; ``stop()`` (or `deinit`) closes the listener, ends every
/// connection and waits for their threads.
public final class CountingRelay: @unchecked Sendable {
    /// One relayed connection, as counted.
    public struct Connection: Sendable, CustomStringConvertible {
        /// Round trips the client waited for.
        public var turns: Int
        /// What passed, in order: `c12` for 12 bytes from the client, `s45`
        /// for 45 bytes from the server, `cFIN`/`sFIN` for the ends, with
        /// `|` before each counted turn.
        public var trace: [String]

        public var description: String { "\(turns) turns: \(trace.joined(separator: " "))" }
    }

    public let port: Int
    private let listener: Int32
    private let targetPort: Int
    private let lock = NSLock()
    private var connections: [Connection] = []
    private var running = 0
    private var stopping = false
    private let finished = DispatchGroup()

    /// Starts listening on a free port and relaying each connection to
    /// 127.0.0.1:`targetPort`.
    public init(targetPort: Int) throws {
        self.targetPort = targetPort
        (listener, port) = try Loopback.listen(backlog: 16)
        finished.enter()
        Thread { [self] in
            acceptLoop()
            finished.leave()
        }.start()
    }

    deinit {
        stop()
        close(listener)
    }

    /// Waits (bounded by `timeout` seconds) until no connection is being
    /// relayed, then returns the connections since the last call, in the
    /// order they were accepted, and forgets them.
    public func take(timeout: Double = 30) -> [Connection] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            lock.lock()
            if running == 0 || Date() > deadline {
                let result = connections
                connections = []
                lock.unlock()
                return result
            }
            lock.unlock()
            usleep(2_000)
        }
    }

    /// Stops accepting, ends the connections being relayed and waits for
    /// every thread of the relay. Safe to call more than once.
    public func stop() {
        lock.lock()
        let first = !stopping
        stopping = true
        lock.unlock()
        if first {
            _ = finished.wait(timeout: .now() + 30)
        }
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func acceptLoop() {
        while !isStopping {
            guard let client = Loopback.accept(listener, timeout: 0.05) else { continue }
            lock.lock()
            let index = connections.count
            connections.append(Connection(turns: 0, trace: []))
            running += 1
            lock.unlock()
            finished.enter()
            Thread { [self] in
                relay(client: client, index: index)
                lock.lock()
                running -= 1
                lock.unlock()
                finished.leave()
            }.start()
        }
    }

    private func record(_ index: Int, _ event: String, turn: Bool = false) {
        lock.lock()
        if turn {
            connections[index].turns += 1
            connections[index].trace.append("|")
        }
        connections[index].trace.append(event)
        lock.unlock()
    }

    /// Relays one connection until both sides have closed (or the relay stops).
    private func relay(client: Int32, index: Int) {
        guard let server = Loopback.connect(port: targetPort) else {
            record(index, "connect failed: \(String(cString: strerror(errno)))")
            close(client)
            return
        }
        defer {
            close(client)
            close(server)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var clientOpen = true, serverOpen = true  // still readable
        var clientWritable = true, serverWritable = true
        var serverSpoke = false  // server data passed on since the client's last send
        while (clientOpen || serverOpen) && !isStopping {
            var fds = [pollfd(fd: clientOpen ? client : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: serverOpen ? server : -1, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 50)
            if ready < 0 && errno != EINTR { return }
            if ready <= 0 { continue }
            // The client first: see the type's comment.
            if clientOpen && fds[0].revents != 0 {
                let n = recv(client, &buffer, buffer.count, 0)
                record(index, n > 0 ? "c\(n)" : "cFIN", turn: n > 0 && serverSpoke)
                if n > 0 {
                    serverSpoke = false
                    // What a server that has gone cannot take is dropped;
                    // the client is still read to its end.
                    if serverWritable && !Loopback.sendAll(server, Array(buffer[..<n]), timeout: 30) {
                        serverWritable = false
                    }
                } else {
                    clientOpen = false
                    shutdown(server, Int32(SHUT_WR))
                }
            }
            if serverOpen && fds[1].revents != 0 {
                let n = recv(server, &buffer, buffer.count, 0)
                record(index, n > 0 ? "s\(n)" : "sFIN")
                if n > 0 {
                    if clientWritable && !Loopback.sendAll(client, Array(buffer[..<n]), timeout: 30) {
                        clientWritable = false
                    }
                    serverSpoke = true
                } else {
                    serverOpen = false
                    shutdown(client, Int32(SHUT_WR))
                }
            }
        }
    }
}
