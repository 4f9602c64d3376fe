import Foundation

/// A server program listening on free ports of 127.0.0.1, ended once: by
/// ``stop()`` or when the last reference goes.
public final class ServerProcess: @unchecked Sendable {
    public let process: ChildProcess
    /// The ports it listens on, in the order `launch` got them.
    public let ports: [Int]
    private var stopped = false

    /// Starts the server with `launch`, given `portCount` free ports, and
    /// waits until it listens on all of them. A port taken meanwhile by
    /// someone else makes that attempt fail: it is repeated with fresh
    /// ports, `attempts` times at most, before throwing what `failure`
    /// says about the last ports tried.
    public init(portCount: Int = 1, attempts: Int = 5, launch: ([Int]) throws -> ChildProcess,
                failure: ([Int]) -> MessageFailure) throws {
        var lastPorts: [Int] = []
        for _ in 0..<attempts {
            let ports = try (0..<portCount).map { _ in try FreePort.next() }
            lastPorts = ports
            let process = try launch(ports)
            if ports.allSatisfy({ FreePort.waitUntilListening($0) }) {
                self.process = process
                self.ports = ports
                return
            }
            process.terminate()
        }
        throw failure(lastPorts)
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        process.terminate()
    }

    deinit {
        stop()
    }
}
