/// The client side of a SOCKS5 CONNECT without authentication (RFC 1928),
/// with the destination sent as a domain name so that the proxy resolves it
/// (which is what lets mpop reach onion services through Tor).
///
///     C: 05 01 00                      version 5, one method: no authentication
///     S: 05 00
///     C: 05 01 00 03 <len> <host> <port>
///     S: 05 <status> 00 <atyp> <bound address> <bound port>
struct SOCKS5Handshake {
    var host: String
    var port: Int

    /// Runs the exchange over `io`.
    /// - Throws: `proxy failure: ...` (69) for a refusal or a reply that is
    ///   not SOCKS5, or a ``NetworkError`` for the I/O (74).
    func run(over io: SocketIO) throws(NetworkError) {
        let name = Array(host.utf8)
        guard name.count <= 0xff else { throw .proxyFailure("host name too long") }

        try send([0x05, 0x01, 0x00], over: io)
        let choice = try io.receiveExactly(2)
        guard choice == [0x05, 0x00] else { throw .proxyFailure("unexpected reply") }

        try send([0x05, 0x01, 0x00, 0x03, UInt8(name.count)] + name
                 + [UInt8(truncatingIfNeeded: port >> 8), UInt8(truncatingIfNeeded: port)], over: io)
        let head = try io.receiveExactly(4)
        guard head[0] == 0x05, head[2] == 0x00 else { throw .proxyFailure("unexpected reply") }
        let addressLength: Int
        switch head[3] {
        case 0x01: addressLength = 4
        case 0x04: addressLength = 16
        case 0x03: addressLength = Int(try io.receiveExactly(1)[0])
        default: throw .proxyFailure("unexpected reply")
        }
        _ = try io.receiveExactly(addressLength + 2)
        if let reason = Self.reason(forStatus: head[1]) { throw .proxyFailure(reason) }
    }

    /// mpop's wording of a SOCKS5 reply status, or `nil` for success.
    static func reason(forStatus status: UInt8) -> String? {
        switch status {
        case 0x00: return nil
        case 0x01: return "general server failure"
        case 0x02: return "connection not allowed"
        case 0x03: return "network unreachable"
        case 0x04: return "host unreachable"
        case 0x05: return "connection refused"
        case 0x06: return "time-to-live expired"
        case 0x07: return "command not supported"
        case 0x08: return "address type not supported"
        default: return "unknown error"
        }
    }

    private func send(_ bytes: [UInt8], over io: SocketIO) throws(NetworkError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(NetworkError) in try io.sendAll(buffer) }
        }
        try result.get()
    }
}
