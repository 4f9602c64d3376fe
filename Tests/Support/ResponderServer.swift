import Foundation

/// What a ``LineResponder`` wants the server to do next.
public enum ResponderAction: Sendable, Equatable {
    /// Send these bytes in one write.
    case send([UInt8])
    /// Send `chunk` again and again until the client goes away or
    /// `limit` bytes have gone out: an endless line, say.
    case stream(chunk: [UInt8], limit: Int)
    /// Close the connection.
    case close

    /// A line with CRLF.
    public static func line(_ text: String) -> ResponderAction {
        .send(Array(text.utf8) + [13, 10])
    }
}

/// The server side of one connection: it answers each client line with
/// actions. Unlike a ``ScriptedServer`` transcript it keeps state, so two
/// clients that send slightly different command sequences (ours and the
/// reference mpop) can both talk to it.
public protocol LineResponder: AnyObject {
    /// What the server sends as soon as the client connects.
    func greet() -> [ResponderAction]
    /// The answer to one client line (without its CRLF).
    func respond(to line: String) -> [ResponderAction]
}

/// A loopback TCP server that serves connections one after the other, each
/// with a fresh responder from `makeResponder`, until ``stop()``.
///
/// Every read has a deadline, so a client that goes silent cannot hang the
/// test; lines longer than 64 KiB are cut, so a hostile client cannot make
/// the test grow without bound.
public final class ResponderServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let readTimeout: Double
    private let makeResponder: @Sendable () -> any LineResponder
    private let lock = NSLock()
    private var lines: [String] = []
    private var connectionCount = 0
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)

    /// Lines the clients sent, in order, across all connections.
    public var receivedLines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    /// How many connections were accepted.
    public var connections: Int {
        lock.lock()
        defer { lock.unlock() }
        return connectionCount
    }

    /// Listens on `host` (a loopback IPv4 address) and `port`, 0 for one
    /// the kernel chooses.
    public init(host: String = "127.0.0.1", port: Int = 0, readTimeout: Double = 20,
                makeResponder: @escaping @Sendable () -> any LineResponder) throws {
        self.readTimeout = readTimeout
        self.makeResponder = makeResponder
        (listener, self.port) = try Loopback.listen(host: host, port: port)
        let thread = Thread { [self] in
            serve()
            done.signal()
        }
        thread.start()
    }

    /// Stops accepting, ends the current connection and waits for the
    /// server thread.
    public func stop() {
        lock.lock()
        let already = stopping
        stopping = true
        lock.unlock()
        guard !already else { return }
        _ = done.wait(timeout: .now() + readTimeout + 5)
        close(listener)
    }

    deinit {
        stop()
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func serve() {
        while !isStopping {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) == 1 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            lock.lock()
            connectionCount += 1
            lock.unlock()
            converse(client, makeResponder())
            close(client)
        }
    }

    private func converse(_ client: Int32, _ responder: any LineResponder) {
        var reader = SocketLines(client, maximumLength: 65_536)
        guard perform(responder.greet(), on: client) else { return }
        while !isStopping, let line = reader.nextLine(timeout: readTimeout) {
            lock.lock()
            lines.append(line)
            lock.unlock()
            guard perform(responder.respond(to: line), on: client) else { return }
        }
    }

    /// Returns false when the connection is over.
    private func perform(_ actions: [ResponderAction], on client: Int32) -> Bool {
        for action in actions {
            switch action {
            case .send(let bytes):
                guard Loopback.sendAll(client, bytes, timeout: readTimeout) else { return false }
            case .stream(let chunk, let limit):
                var sent = 0
                while sent < limit, !isStopping, Loopback.sendAll(client, chunk, timeout: readTimeout) {
                    sent += chunk.count
                }
                return false
            case .close:
                return false
            }
        }
        return true
    }
}
