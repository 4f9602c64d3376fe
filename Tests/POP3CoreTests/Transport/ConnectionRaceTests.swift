import Foundation
@testable import POP3Core
import Testing
import TestSupport

@Suite struct ConnectionRaceTests {
    /// A listener whose accept queue is full: Linux drops further SYNs, so a
    /// connection attempt to it hangs like one to a dead address.
    private final class DeadEnd {
        let port: Int
        private var descriptors: [Int32] = []

        init() throws {
            let (listener, port) = try Loopback.listen(backlog: 0)
            descriptors.append(listener)
            self.port = port
            // Fill the queue (a backlog of 0 still admits one connection).
            for _ in 0..<2 {
                let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                Loopback.connect(filler, port: port)
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
        let first = try FreePort.next(), second = try FreePort.next()
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
