/// A connected socket to the POP3 server, and what is known about the peer.
public struct Connection {
    /// The socket, with the account's timeout on every read and write.
    public let transport: SocketTransport
    /// The peer's name by reverse lookup (`getnameinfo` with `NI_NAMEREQD`),
    /// for the `Received` header and the `--serverinfo` heading; `nil` when
    /// there is none, and always through a proxy or a unix socket.
    public let canonicalName: String?
    /// The peer's numeric address (`NI_NUMERICHOST`), e.g. `127.0.0.1` or
    /// `::1`; `nil` through a proxy or a unix socket.
    public let address: String?

    public init(transport: SocketTransport, canonicalName: String?, address: String?) {
        self.transport = transport
        self.canonicalName = canonicalName
        self.address = address
    }
}
