import Foundation
@testable import POP3Core
import Testing

@Suite struct ConnectionRaceTests {
    /// A listener whose accept queue is full: Linux drops further SYNs, so a
    /// connection attempt to it hangs like one to a dead address.
    private final class DeadEnd {
        let port: Int
        private var descriptors: [Int32] = []

        init() throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(listener, pointer, length)
                    listen(listener, 0)
                    return getsockname(listener, pointer, &length)
                }
            }
            descriptors.append(listener)
            port = Int(UInt16(bigEndian: address.sin_port))
            // Fill the queue (a backlog of 0 still admits one connection).
            for _ in 0..<2 {
                let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                var target = address
                _ = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                descriptors.append(filler)
            }
        }

        deinit {
            for descriptor in descriptors { close(descriptor) }
        }
    }

    /// Without a timeout, trying addresses one after another would wait on
    /// the dead one forever; the staggered start reaches the live one.
    @Test(.timeLimit(.minutes(1))) func startsTheNextAddressWhileTheFirstHangs() throws {
        let deadEnd = try DeadEnd()
        let live = try ScriptedListener { connection, _ in ScriptedListener.drain(connection) }
        let addresses = try ResolvedAddress.resolve(host: "127.0.0.1", port: deadEnd.port)
            + ResolvedAddress.resolve(host: "127.0.0.1", port: live.port)
        let race = ConnectionRace(host: "example", port: 110, addresses: addresses, sourceIP: nil,
                                  timeoutSeconds: nil, attemptDelay: .milliseconds(50))
        let (descriptor, index) = try race.run()
        #expect(index == 1)
        close(descriptor)
        _ = live.finish()
    }

    @Test func reportsTheLastFailureWhenAllAddressesFail() throws {
        let first = try FreePortNumber.next(), second = try FreePortNumber.next()
        let addresses = try ResolvedAddress.resolve(host: "127.0.0.1", port: first)
            + ResolvedAddress.resolve(host: "127.0.0.1", port: second)
        let race = ConnectionRace(host: "two.example", port: 110, addresses: addresses, sourceIP: nil,
                                  timeoutSeconds: 10, attemptDelay: .milliseconds(50))
        #expect(throws: NetworkError.cannotConnect(host: "two.example", port: 110, reason: "Connection refused")) {
            try race.run()
        }
    }

    @Test func interleavesAddressFamilies() throws {
        let four = try ResolvedAddress.resolve(host: "127.0.0.1", port: 1)[0]
        let six = try ResolvedAddress.resolve(host: "::1", port: 1)[0]
        let ordered = ResolvedAddress.interleavingFamilies([six, six, six, four, four])
        #expect(ordered.map(\.family) == [AF_INET6, AF_INET, AF_INET6, AF_INET, AF_INET6])
    }
}

/// A free TCP port on loopback, without the TestSupport dependency in this file.
enum FreePortNumber {
    static func next() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length)
                return getsockname(descriptor, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
