import Foundation

/// What a POP3 server on 127.0.0.1 holds for a user, read over a plain
/// connection (USER, PASS, UIDL, `TOP n 0`, QUIT): each message's UID and
/// the Message-ID in its header. A session also makes dovecot give new
/// messages their UIDs, so that a copy of its maildir taken afterwards
/// serves the same UIDs again.
public enum POP3Listing {
    /// The Message-ID of each message, by UID (`nil` values for messages
    /// without one).
    public static func messageIDsByUID(port: Int, user: String, password: String) throws -> [String: String?] {
        let connection = try Connection(port: port)
        defer { close(connection.fd) }
        _ = try connection.status()
        try connection.send("USER \(user)")
        _ = try connection.status()
        try connection.send("PASS \(password)")
        _ = try connection.status()
        try connection.send("UIDL")
        _ = try connection.status()
        var uids: [(number: Int, uid: String)] = []
        for line in try connection.multiLine() {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let number = Int(fields[0]) else { throw MessageFailure("bad UIDL line: \(line)") }
            uids.append((number, String(fields[1])))
        }
        var result: [String: String?] = [:]
        for (number, uid) in uids {
            try connection.send("TOP \(number) 0")
            _ = try connection.status()
            let header = try connection.multiLine()
            result[uid] = header.first { $0.lowercased().hasPrefix("message-id: ") }.map { String($0.dropFirst(12)) }
        }
        try connection.send("QUIT")
        _ = try connection.status()
        return result
    }

    private final class Connection {
        let fd: Int32
        private var buffer: [UInt8] = []

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                let code = errno
                close(fd)
                throw POSIXError(.init(rawValue: code) ?? .EIO)
            }
        }

        func send(_ command: String) throws {
            let bytes = Array((command + "\r\n").utf8)
            var offset = 0
            while offset < bytes.count {
                let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
                offset += count
            }
        }

        func line() throws -> String {
            while true {
                if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(buffer[..<end])
                    buffer.removeFirst(end + 1)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw MessageFailure("the POP3 server closed the connection") }
                buffer += chunk[..<count]
            }
        }

        func status() throws -> String {
            let reply = try line()
            guard reply.hasPrefix("+OK") else { throw MessageFailure("POP3 server: \(reply)") }
            return reply
        }

        /// The lines of a multi-line reply, dot-unstuffed, without the final ".".
        func multiLine() throws -> [String] {
            var lines: [String] = []
            while true {
                let next = try line()
                if next == "." { return lines }
                lines.append(next.hasPrefix(".") ? String(next.dropFirst()) : next)
            }
        }
    }
}
