import Foundation

/// A plain TCP connection to 127.0.0.1 that sends and reads CRLF lines,
/// enough to drive a POP3 `AUTH` exchange by hand in a test.
final class LineConnection {
    private let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MessageError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw MessageError("connect to port \(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(fd)
    }

    func send(_ line: String) throws {
        let bytes = Array((line + "\r\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw MessageError("write: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    /// The next line without its CRLF; fails after 30 s of silence or at EOF.
    func readLine() throws -> String {
        while true {
            if let end = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffered[..<end])
                buffered.removeSubrange(...end)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 30_000) == 1 else { throw MessageError("no reply within 30 seconds") }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw MessageError("connection closed") }
            buffered += chunk[..<n]
        }
    }
}
