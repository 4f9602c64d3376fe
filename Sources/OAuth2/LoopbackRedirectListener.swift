#if canImport(Glibc)
import Glibc
#endif

/// Catches the browser's redirect after consent (RFC 8252 §7.3): listens on
/// 127.0.0.1 on a port the system picks (and on `::1` on the same port when
/// it can, for a browser that resolves `localhost` to IPv6 first), reads one
/// request line at a time, and hands back the query of the first request
/// that carries `code`, `error` or `state`. Every other request (a
/// browser's `favicon.ico`) gets a 404.
///
/// This is no web server: it reads at most 8 KiB of one request per
/// connection, answers with a fixed page and closes.
public final class LoopbackRedirectListener {
    /// The port, the same on both addresses.
    public let port: Int
    private var sockets: [Int32]

    /// Opens the listening sockets.
    /// - Throws: ``OAuth2Error/listenerFailed(reason:)``.
    public init() throws(OAuth2Error) {
        let ipv4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard ipv4 >= 0 else { throw .listenerFailed(reason: String(cString: strerror(errno))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(ipv4, generic, length) == 0 && listen(ipv4, 8) == 0 && getsockname(ipv4, generic, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(ipv4)
            throw .listenerFailed(reason: reason)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        sockets = [ipv4]
        if let ipv6 = Self.listenIPv6(port: port) {
            sockets.append(ipv6)
        }
    }

    private static func listenIPv6(port: Int) -> Int32? {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var only: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &only, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 && listen(fd, 8) == 0
            }
        }
        if !ok {
            close(fd)
            return nil
        }
        return fd
    }

    deinit {
        sockets.forEach { close($0) }
    }

    /// Waits up to `seconds` for the redirect and returns its query's pairs.
    /// - Throws: ``OAuth2Error/authorizationTimedOut``.
    public func awaitRedirect(seconds: Int) throws(OAuth2Error) -> [(String, String)] {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_sec += seconds
        while true {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1_000_000
            guard left > 0 else { throw .authorizationTimedOut }
            var entries = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&entries, nfds_t(entries.count), Int32(clamping: left))
            if ready <= 0 { continue }
            for entry in entries where entry.revents & Int16(POLLIN) != 0 {
                let connection = accept(entry.fd, nil, nil)
                guard connection >= 0 else { continue }
                defer { close(connection) }
                if let query = Self.serve(connection) {
                    return query
                }
            }
        }
    }

    /// Reads one request from `connection`, answers it, and returns its
    /// query when it is the redirect.
    static func serve(_ connection: Int32) -> [(String, String)]? {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while request.count < 8192, !request.contains(UInt8(ascii: "\n")) {
            let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            request += chunk[..<n]
        }
        guard let query = redirectQuery(requestLine: request) else {
            respond(connection, status: "404 Not Found", text: "Not found.")
            return nil
        }
        let failed = query.contains { $0.0 == "error" } || !query.contains { $0.0 == "code" }
        respond(connection, status: "200 OK",
                text: failed ? "mpop: the authorization failed. See the terminal for details."
                    : "mpop: the authorization is complete. You can close this window.")
        return query
    }

    /// The query pairs of `GET /?code=...&state=... HTTP/1.1`, or `nil` for
    /// any other request.
    static func redirectQuery(requestLine bytes: [UInt8]) -> [(String, String)]? {
        let line = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET", let mark = parts[1].firstIndex(of: "?") else { return nil }
        let query = FormEncoding.decoded(parts[1][parts[1].index(after: mark)...])
        guard query.contains(where: { ["code", "error", "state"].contains($0.0) }) else { return nil }
        return query
    }

    private static func respond(_ connection: Int32, status: String, text: String) {
        let body = "<!DOCTYPE html><html><head><title>mpop</title></head><body><p>\(text)</p></body></html>\n"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        var bytes = Array(response.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
