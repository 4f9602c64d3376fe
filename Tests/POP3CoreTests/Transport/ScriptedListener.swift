import Foundation
import TestSupport

/// A one-connection server on loopback (IPv4, IPv6) or a unix socket, which
/// runs `script` on the accepted socket in a thread and then closes it.
final class ScriptedListener: @unchecked Sendable {
    enum Kind {
        case ipv4, ipv6
        case unix(String)
    }

    let port: Int
    private let listener: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var notes: [String] = []

    init(_ kind: Kind = .ipv4, script: @escaping @Sendable (Int32, ScriptedListener) -> Void) throws {
        let listener: Int32
        let localPort: Int
        switch kind {
        case .ipv4:
            (listener, localPort) = try Loopback.bind()
        case .ipv6:
            listener = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            try Self.bind(listener, &address)
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
            }
            localPort = Int(UInt16(bigEndian: address.sin6_port))
        case let .unix(path):
            listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            try Self.bind(listener, &address)
            localPort = 0
        }
        guard listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        self.listener = listener
        port = localPort
        Thread.detachNewThread { [self] in
            let connection = accept(listener, nil, nil)
            if connection >= 0 {
                script(connection, self)
                close(connection)
            }
            finished.signal()
        }
    }

    private static func bind<Address>(_ descriptor: Int32, _ address: inout Address) throws {
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
    }

    /// Records something the script saw, for the test to check.
    func note(_ text: String) {
        lock.lock()
        notes.append(text)
        lock.unlock()
    }

    /// Waits for the script to end (it ends when the client closes, for the
    /// scripts that drain) and returns its notes.
    func finish() -> [String] {
        if finished.wait(timeout: .now() + 10) == .timedOut {
            shutdown(listener, Int32(SHUT_RDWR))
            _ = finished.wait(timeout: .now() + 10)
        }
        close(listener)
        lock.lock()
        defer { lock.unlock() }
        return notes
    }

    /// A listener that sends `text` to its client and waits until it closes.
    static func greeting(_ text: String, _ kind: Kind = .ipv4) throws -> ScriptedListener {
        try ScriptedListener(kind) { connection, _ in
            send(connection, text)
            drain(connection)
        }
    }

    // Script helpers.

    static func send(_ descriptor: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    static func send(_ descriptor: Int32, _ text: String) {
        send(descriptor, Array(text.utf8))
    }

    /// Reads exactly `count` bytes, or fewer at the end of the stream.
    static func receive(_ descriptor: Int32, _ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while result.count < count {
            let got = recv(descriptor, &buffer, count - result.count, 0)
            if got <= 0 { break }
            result += buffer[0..<got]
        }
        return result
    }

    /// Waits until the peer closes.
    static func drain(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while recv(descriptor, &buffer, buffer.count, 0) > 0 {}
    }
}
