import Foundation

/// A POP3 server on 127.0.0.1 that plays a script, for end-to-end tests of
/// the binary (ours or the reference mpop) without a real mail server.
///
/// The script uses the `--debug` transcript format of ``ScriptedTransport``,
/// from the client's point of view:
///
///     <-- +OK ready          the server sends this line and CRLF
///     --> CAPA               the server expects exactly this line
///     --> *                  the server expects any one line
///     <-! +OK                the server sends the text without CRLF
///     <-| 100000 x           the server sends 100000 bytes "x" (no CRLF)
///     !! stall 3             the server waits 3 seconds
///     !! eof                 the server closes the connection here
///     !! drop                the same: drop the connection abruptly
///     !! accept              (between sessions) wait for the next connection
///
/// The port is chosen by the kernel (bind to port 0), so tests can run in
/// parallel. The script runs on its own thread; ``finish(timeout:)`` waits for
/// it and returns what went wrong, if anything. Every read has a deadline,
/// so a client that stops talking cannot hang the test.
public final class ScriptedServer: @unchecked Sendable {
    public enum Step: Sendable, Equatable {
        case send([UInt8])
        case expect(String?)
        case stall(Double)
        case drop
        case accept
    }

    public let port: Int
    private let listener: Int32
    private let steps: [Step]
    private let lock = NSLock()
    private var lines: [String] = []
    private var problems: [String] = []
    private let done = DispatchSemaphore(value: 0)
    private let readTimeout: Double

    /// Lines the client sent, in order, across all connections.
    public var receivedLines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    /// Starts listening and runs `transcript` for the first connection.
    /// - Parameter readTimeout: how long to wait for each client line.
    public convenience init(_ transcript: String, readTimeout: Double = 20) throws {
        try self.init(steps: Self.parse(transcript), readTimeout: readTimeout)
    }

    public init(steps: [Step], readTimeout: Double = 20) throws {
        self.steps = steps
        self.readTimeout = readTimeout
        (listener, port) = try Loopback.listen()
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.start()
    }

    /// Waits for the script to end and returns the problems found (empty
    /// when the client followed the script).
    public func finish(timeout: Double = 30) -> [String] {
        if done.wait(timeout: .now() + timeout) == .timedOut {
            shutdown(listener, Int32(SHUT_RDWR))
            return ["the script did not finish within \(timeout) seconds"] + currentProblems()
        }
        return currentProblems()
    }

    private func currentProblems() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return problems
    }

    deinit {
        close(listener)
    }

    static func parse(_ transcript: String) -> [Step] {
        var steps: [Step] = []
        for raw in transcript.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("<-- ") {
                steps.append(.send(Array(line.dropFirst(4).utf8) + [13, 10]))
            } else if line == "<--" {
                steps.append(.send([13, 10]))
            } else if line.hasPrefix("<-! ") {
                steps.append(.send(Array(line.dropFirst(4).utf8)))
            } else if line.hasPrefix("<-| ") {
                let parts = line.dropFirst(4).split(separator: " ", maxSplits: 1)
                let byte = parts.count > 1 ? Array(parts[1].utf8)[0] : UInt8(ascii: "x")
                steps.append(.send(Array(repeating: byte, count: Int(parts[0]) ?? 0)))
            } else if line == "--> *" {
                steps.append(.expect(nil))
            } else if line.hasPrefix("--> ") {
                steps.append(.expect(String(line.dropFirst(4))))
            } else if line == "-->" {
                steps.append(.expect(""))
            } else if line.hasPrefix("!! stall ") {
                steps.append(.stall(Double(line.dropFirst(9)) ?? 1))
            } else if line == "!! eof" || line == "!! drop" {
                steps.append(.drop)
            } else if line == "!! accept" {
                steps.append(.accept)
            }
        }
        return steps
    }

    private func note(_ problem: String) {
        lock.lock()
        problems.append(problem)
        lock.unlock()
    }

    private func acceptClient() -> Int32? {
        guard let client = Loopback.accept(listener, timeout: readTimeout) else {
            note("no client connected")
            return nil
        }
        return client
    }

    private func run() {
        guard var client = acceptClient() else { return }
        var reader = SocketLines(client)
        defer { if client >= 0 { close(client) } }
        for step in steps {
            switch step {
            case .send(let bytes):
                _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            case .expect(let expected):
                guard let line = reader.nextLine(timeout: readTimeout) else {
                    note("expected \(expected ?? "a line"), but the client closed the connection or went silent")
                    return
                }
                lock.lock()
                lines.append(line)
                lock.unlock()
                if let expected, expected != line {
                    note("expected \(expected), got \(line)")
                    return
                }
            case .stall(let seconds):
                usleep(UInt32(seconds * 1_000_000))
            case .drop:
                close(client)
                client = -1
                reader = SocketLines(client)
            case .accept:
                if client >= 0 { close(client) }
                guard let next = acceptClient() else { return }
                client = next
                reader = SocketLines(client)
            }
        }
    }
}
