import Foundation
import POP3Core

/// A minimal TCP transport to 127.0.0.1 for tests against real or scripted
/// servers (the product's socket code lives elsewhere).
final class LoopbackTransport: SocketBackedTransport {
    let socketDescriptor: Int32
    let timeoutSeconds: Int? = 20
    let cancellation = Cancellation.never
    private var isClosed = false

    init(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
            Glibc.close(fd)
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
