import Foundation

/// Plain IPv4 TCP sockets on the loopback interface, for test servers and
/// the hand-written clients that talk to them.
public enum Loopback {
    /// The IPv4 address `host`:`port`.
    public static func address(host: String = "127.0.0.1", port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    /// Starts connecting `descriptor` to `host`:`port`; the result of
    /// connect(2) (-1 with `EINPROGRESS` for a non-blocking socket).
    @discardableResult
    public static func connect(_ descriptor: Int32, host: String = "127.0.0.1", port: Int) -> Int32 {
        var target = address(host: host, port: port)
        return withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// A new TCP socket connected to 127.0.0.1:`port`, or nil with `errno`
    /// set when nothing accepts there.
    public static func connect(port: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        guard connect(descriptor, port: port) == 0 else {
            let code = errno
            close(descriptor)
            errno = code
            return nil
        }
        return descriptor
    }

    /// A new TCP socket bound to `host`:`port` (0: the kernel picks one),
    /// with the port it got.
    public static func bind(host: String = "127.0.0.1", port: Int = 0,
                            reuseAddress: Bool = false) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        if reuseAddress {
            var yes: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = address(host: host, port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return (descriptor, Int(UInt16(bigEndian: local.sin_port)))
    }

    /// A listening TCP socket on `host`:`port` (0: the kernel picks one),
    /// with the port it got.
    public static func listen(host: String = "127.0.0.1", port: Int = 0,
                              backlog: Int32 = 4) throws -> (descriptor: Int32, port: Int) {
        let (descriptor, boundPort) = try bind(host: host, port: port, reuseAddress: true)
        guard Glibc.listen(descriptor, backlog) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        return (descriptor, boundPort)
    }

    /// The next connection to `listener`, or nil when none comes within
    /// `timeout` seconds.
    public static func accept(_ listener: Int32, timeout: Double) -> Int32? {
        var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) == 1 else { return nil }
        let client = Glibc.accept(listener, nil, nil)
        return client >= 0 ? client : nil
    }

    /// Writes all of `bytes` to `descriptor`; false once the peer has gone
    /// (or, with a `timeout`, stopped reading for that many seconds).
    @discardableResult
    public static func sendAll(_ descriptor: Int32, _ bytes: [UInt8], timeout: Double? = nil) -> Bool {
        var offset = 0
        while offset < bytes.count {
            if let timeout {
                var writable = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                guard poll(&writable, 1, Int32(timeout * 1000)) == 1 else { return false }
            }
            let n = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}

/// Splits what arrives on a socket into lines; every read has a deadline.
public struct SocketLines {
    /// Why no line came.
    public enum Failure: Error, Equatable {
        /// Nothing arrived within the timeout.
        case silent
        /// The peer closed the connection.
        case closed
    }

    public let descriptor: Int32
    private let maximumLength: Int
    private var buffer: [UInt8] = []

    /// Reads from `descriptor`; a line longer than `maximumLength` bytes
    /// is cut, so a hostile peer cannot make the test grow without bound.
    public init(_ descriptor: Int32, maximumLength: Int = .max) {
        self.descriptor = descriptor
        self.maximumLength = maximumLength
    }

    /// The next line without its LF or CR LF.
    public mutating func next(timeout: Double) throws(Failure) -> String {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if buffer.count > maximumLength { buffer.removeAll() }
            var readable = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&readable, 1, Int32(timeout * 1000)) == 1 else { throw .silent }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = recv(descriptor, &chunk, chunk.count, 0)
            guard n > 0 else { throw .closed }
            buffer += chunk[..<n]
        }
    }

    /// The next line, or nil when the peer closed or stayed silent.
    public mutating func nextLine(timeout: Double) -> String? {
        try? next(timeout: timeout)
    }
}

/// A client TCP connection to 127.0.0.1 that sends and reads CRLF lines,
/// enough to drive a POP3 dialogue by hand in a test.
public final class LineConnection {
    private let descriptor: Int32
    private let timeout: Double
    private var reader: SocketLines

    /// Connects to `port`; each read fails after `timeout` seconds of silence.
    public init(port: Int, timeout: Double = 30) throws {
        guard let descriptor = Loopback.connect(port: port) else {
            throw MessageFailure("connect to port \(port): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.timeout = timeout
        reader = SocketLines(descriptor)
    }

    deinit {
        close(descriptor)
    }

    /// Sends `line` and CRLF.
    public func send(_ line: String) throws {
        guard Loopback.sendAll(descriptor, Array((line + "\r\n").utf8)) else {
            throw MessageFailure("write: \(String(cString: strerror(errno)))")
        }
    }

    /// The next line without its CRLF; fails after the timeout or at EOF.
    public func readLine() throws -> String {
        do {
            return try reader.next(timeout: timeout)
        } catch SocketLines.Failure.silent {
            throw MessageFailure("no reply within \(Int(timeout)) seconds")
        } catch {
            throw MessageFailure("connection closed")
        }
    }

    /// Sends `command` and returns the reply, which must be positive.
    public func command(_ command: String) throws -> String {
        try send(command)
        let reply = try readLine()
        guard reply.hasPrefix("+OK") else { throw MessageFailure("\(command.prefix(4)): \(reply)") }
        return reply
    }

    /// The next line, which must be a positive reply.
    public func status() throws -> String {
        let reply = try readLine()
        guard reply.hasPrefix("+OK") else { throw MessageFailure("POP3 server: \(reply)") }
        return reply
    }

    /// The lines of a multi-line reply, dot-unstuffed, without the final ".".
    public func multiLine() throws -> [String] {
        var lines: [String] = []
        while true {
            let next = try readLine()
            if next == "." { return lines }
            lines.append(next.hasPrefix(".") ? String(next.dropFirst()) : next)
        }
    }
}
