import Foundation
import POP3Core
import TestSupport

/// A minimal TCP transport to 127.0.0.1 for tests against real or scripted
/// servers (the product's socket code lives elsewhere).
final class LoopbackTransport: SocketBackedTransport {
    let socketDescriptor: Int32
    let timeoutSeconds: Int? = 20
    let cancellation = Cancellation.never
    private var isClosed = false

    init(port: Int) throws {
        guard let fd = Loopback.connect(port: port) else {
            throw MessageError("cannot connect to 127.0.0.1, port \(port)", exitStatus: .tempFail)
        }
        socketDescriptor = fd
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var descriptor = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 20_000) == 1 else {
            throw MessageError("network read error: the operation timed out", exitStatus: .ioError)
        }
        let n = recv(socketDescriptor, buffer.baseAddress, buffer.count, 0)
        guard n >= 0 else { throw MessageError("network read error", exitStatus: .ioError) }
        return n
    }

    func waitForInput(timeout: Duration) throws -> Bool {
        var descriptor = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Int32(timeout.components.seconds * 1000)) != 0
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = send(socketDescriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard n > 0 else { throw MessageError("network write error", exitStatus: .ioError) }
            offset += n
        }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(socketDescriptor)
    }
}

/// A session of `account` over a loopback connection to `port`, with no
/// SASL and no password prompt.
func loopbackSession(_ account: Account, port: Int, tlsStarter: (any TLSStarter)? = nil) throws -> POP3Session {
    POP3Session(account: account, transport: try LoopbackTransport(port: port), tlsStarter: tlsStarter,
                saslProvider: nil, password: { _ in nil })
}

/// Writes the reference mpop's configuration in `home` for a scripted
/// server on `port` (user joe, password pw, `auth user`, delivery to the
/// mbox in `home`), then `extra` lines, and returns its path.
func referenceConfiguration(in home: TemporaryDirectory, port: Int, extra: [String] = []) throws -> String {
    try home.write(".mpoprc", (["account default", "host 127.0.0.1", "port \(port)", "user joe", "password pw",
                                "auth user", "delivery mbox \(home.url("mbox"))"] + extra)
                                .joined(separator: "\n") + "\n")
}
