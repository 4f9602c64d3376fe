import Glibc

/// Opens the connection an account asks for: a unix domain socket
/// (`socket`), a SOCKS5 proxy (`proxy_host`, `proxy_port`), or TCP to `host`
/// and the effective port, from `source_ip` when set. Implements step 1 of
/// mpop's session (`net.c:net_open_socket`).
public struct Connector: Sendable {
    /// How long an attempt to one address may run before the next address is
    /// tried alongside it (RFC 8305 suggests 250 ms).
    public var attemptDelay: Duration
    /// Ends connecting, and later every read and write of the connection,
    /// when a signal interrupts a wait and this is set.
    public var cancellation: Cancellation

    public init(attemptDelay: Duration = .milliseconds(250), cancellation: Cancellation = .never) {
        self.attemptDelay = attemptDelay
        self.cancellation = cancellation
    }

    /// Connects as `account` says; the account's `timeout` bounds each
    /// connection attempt and then every read and write.
    /// - Throws: a ``NetworkError``: `cannot locate host` (68), `cannot
    ///   create socket` or `cannot bind source ip` (71), `cannot connect to`
    ///   (75), `proxy failure` (69), SOCKS5 I/O errors (74), `operation
    ///   aborted`.
    public func connect(_ account: Account) throws(NetworkError) -> Connection {
        if let path = account.socket {
            return try connect(socketPath: path, timeoutSeconds: account.timeout)
        }
        let host = account.host ?? ""
        if let proxyHost = account.proxyHost {
            return try connect(host: host, port: account.effectivePort, proxyHost: proxyHost,
                               proxyPort: account.proxyPort ?? 1080, timeoutSeconds: account.timeout)
        }
        return try connect(host: host, port: account.effectivePort, sourceIP: account.sourceIP,
                           timeoutSeconds: account.timeout)
    }

    /// Connects over TCP, trying every address of `host` (IPv4 and IPv6).
    public func connect(host: String, port: Int, sourceIP: String? = nil,
                        timeoutSeconds: Int?) throws(NetworkError) -> Connection {
        let addresses = ResolvedAddress.interleavingFamilies(try ResolvedAddress.resolve(host: host, port: port))
        let race = ConnectionRace(host: host, port: port, addresses: addresses, sourceIP: sourceIP,
                                  timeoutSeconds: Self.effectiveTimeout(timeoutSeconds),
                                  attemptDelay: attemptDelay, cancellation: cancellation)
        let (descriptor, index) = try race.run()
        let peer = addresses[index]
        let transport = SocketTransport(descriptor: descriptor, timeoutSeconds: timeoutSeconds,
                                        cancellation: cancellation)
        return Connection(transport: transport, canonicalName: peer.nameInfo(flags: NI_NAMEREQD),
                          address: peer.nameInfo(flags: NI_NUMERICHOST))
    }

    /// Connects to `proxyHost` and has it connect to `host` by name. As in
    /// mpop, `source_ip` does not apply to the proxy connection.
    public func connect(host: String, port: Int, proxyHost: String, proxyPort: Int,
                        timeoutSeconds: Int?) throws(NetworkError) -> Connection {
        let proxy = try connect(host: proxyHost, port: proxyPort, timeoutSeconds: timeoutSeconds)
        let io = SocketIO(descriptor: proxy.transport.socketDescriptor, timeoutSeconds: timeoutSeconds,
                          cancellation: cancellation)
        try SOCKS5Handshake(host: host, port: port).run(over: io)
        return Connection(transport: proxy.transport, canonicalName: nil, address: nil)
    }

    /// Connects to a unix domain socket.
    /// - Throws: `cannot create socket` (71) or `cannot connect to PATH:
    ///   <strerror>` (75).
    public func connect(socketPath path: String, timeoutSeconds: Int?) throws(NetworkError) -> Connection {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw .cannotConnectToSocket(path: path, reason: systemErrorDescription(ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { target in
            target.copyBytes(from: bytes)
        }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: &address) { target.copyMemory(from: $0) }
        }
        let unixAddress = ResolvedAddress(family: AF_UNIX, socketType: Int32(SOCK_STREAM.rawValue),
                                          protocolNumber: 0, storage: storage,
                                          length: socklen_t(MemoryLayout<sockaddr_un>.size))
        let race = ConnectionRace(host: path, port: 0, addresses: [unixAddress], sourceIP: nil,
                                  timeoutSeconds: Self.effectiveTimeout(timeoutSeconds),
                                  attemptDelay: attemptDelay, cancellation: cancellation)
        do {
            let (descriptor, _) = try race.run()
            let transport = SocketTransport(descriptor: descriptor, timeoutSeconds: timeoutSeconds,
                                            cancellation: cancellation)
            return Connection(transport: transport, canonicalName: nil, address: nil)
        } catch {
            if case let .cannotConnect(_, _, reason) = error {
                throw .cannotConnectToSocket(path: path, reason: reason)
            }
            throw error
        }
    }

    private static func effectiveTimeout(_ seconds: Int?) -> Int? {
        seconds.flatMap { $0 > 0 ? $0 : nil }
    }
}
