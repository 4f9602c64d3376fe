import Foundation
import TestSupport

/// Asks a POP3 server for its UIDs with a plain socket (`USER`, `PASS`,
/// `UIDL`), independently of any mpop.
enum ServerUIDs {
    static func fetch(port: Int, user: String, password: String) throws -> [String] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MessageFailure("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw MessageFailure("cannot connect to port \(port)") }
        var buffered: [UInt8] = []
        func readLine() throws -> String {
            while true {
                if let end = buffered.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffered[..<end], as: UTF8.self)
                    buffered.removeSubrange(...end)
                    return line.hasSuffix("\r") ? String(line.dropLast()) : line
                }
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 10_000) == 1 else { throw MessageFailure("server silent") }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { throw MessageFailure("connection closed") }
                buffered += chunk[..<n]
            }
        }
        func command(_ text: String) throws -> String {
            let bytes = Array((text + "\r\n").utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else { throw MessageFailure("write failed") }
            let reply = try readLine()
            guard reply.hasPrefix("+OK") else { throw MessageFailure("\(text.prefix(4)): \(reply)") }
            return reply
        }
        _ = try readLine()
        _ = try command("USER \(user)")
        _ = try command("PASS \(password)")
        _ = try command("UIDL")
        var uids: [String] = []
        while true {
            let line = try readLine()
            if line == "." { break }
            // "N UID": the UID is everything after the first space.
            guard let space = line.firstIndex(of: " ") else { throw MessageFailure("UIDL line: \(line)") }
            uids.append(String(line[line.index(after: space)...]))
        }
        _ = try command("QUIT")
        return uids
    }
}
