#if canImport(Glibc)
import Glibc
#endif

/// The server as mpop names it in `--serverinfo` and in Received headers:
/// the configured host, plus its reverse-DNS name and numeric address when
/// the connection is a direct TCP one (not through a proxy or a unix socket).
public struct ServerIdentity: Sendable, Equatable {
    /// The configured `host` (or the socket path).
    public var host: String
    /// The peer's name from reverse DNS (`getnameinfo` with `NI_NAMEREQD`).
    public var canonicalName: String?
    /// The peer's numeric address.
    public var address: String?

    public init(host: String, canonicalName: String? = nil, address: String? = nil) {
        self.host = host
        self.canonicalName = canonicalName
        self.address = address
    }

    /// `HOST (CANON [ADDR])`, `HOST (CANON)`, `HOST ([ADDR])` or `HOST`.
    public var hostWithDetails: String {
        switch (canonicalName, address) {
        case let (canon?, addr?): return "\(host) (\(canon) [\(addr)])"
        case let (canon?, nil): return "\(host) (\(canon))"
        case let (nil, addr?): return "\(host) ([\(addr)])"
        case (nil, nil): return host
        }
    }

    /// Looks up the connected peer of `descriptor` (a TCP socket). Names
    /// that cannot be found stay `nil`.
    public static func lookUp(host: String, socketDescriptor descriptor: Int32) -> ServerIdentity {
        var identity = ServerIdentity(host: host)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) == 0 }
        }
        guard ok, storage.ss_family == sa_family_t(AF_INET) || storage.ss_family == sa_family_t(AF_INET6) else {
            return identity
        }
        let peer = ResolvedAddress(family: Int32(storage.ss_family), socketType: Int32(SOCK_STREAM.rawValue),
                                   protocolNumber: 0, storage: storage, length: length)
        identity.canonicalName = peer.nameInfo(flags: NI_NAMEREQD)
        identity.address = peer.nameInfo(flags: NI_NUMERICHOST)
        return identity
    }
}
