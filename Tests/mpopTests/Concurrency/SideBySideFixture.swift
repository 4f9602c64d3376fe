import Foundation
import Testing
import TestSupport

/// Several accounts for one run, each on a ``MiniPOP3`` server of its own
/// (or on a shared one), in one private HOME, for the tests of accounts
/// served side by side. Every message carries `X-UID: <uid>`, and UIDs are
/// unique across the fixture, so a delivery tells which message it was.
final class SideBySideFixture: @unchecked Sendable {
    let home: TemporaryDirectory
    private(set) var servers: [(pop: MiniPOP3, server: HostileServer)] = []
    /// Per server: its sessions open at once, and how many connections it took.
    private(set) var serverOverlaps: [Overlap] = []
    private(set) var connections: [Counter] = []
    private var blocks: [String] = []
    /// Sessions open at once on all servers of the fixture, and the most seen.
    let overlap = Overlap()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.lock(); count += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }

    final class Overlap: @unchecked Sendable {
        private let lock = NSLock()
        private var open = 0
        private(set) var most = 0

        func enter() {
            lock.lock()
            open += 1
            most = max(most, open)
            lock.unlock()
        }

        func leave() {
            lock.lock()
            open -= 1
            lock.unlock()
        }

        func reset() {
            lock.lock()
            most = 0
            lock.unlock()
        }

        var mostAtOnce: Int {
            lock.lock()
            defer { lock.unlock() }
            return most
        }
    }

    init() throws {
        home = try TemporaryDirectory(prefix: "mpop-side")
    }

    /// Starts a server holding messages `uids`; each session stays
    /// `hold` seconds in UIDL (counted in ``overlap``), and `faults`
    /// changes the rest. Returns the server's index.
    @discardableResult
    func addServer(uids: [String], hold: Double = 0.3, faults: MiniPOP3.Faults = MiniPOP3.Faults()) throws -> Int {
        var faults = faults
        let overlap = self.overlap, own = Overlap(), counter = Counter()
        let before = faults.beforeUIDL
        faults.beforeUIDL = { session in
            own.enter()
            overlap.enter()
            Thread.sleep(forTimeInterval: hold)
            before?(session)
            overlap.leave()
            own.leave()
        }
        let pop = MiniPOP3(uids: uids, faults: faults)
        let marker = home.url("connected")
        let server = try HostileServer { connection in
            counter.add()
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
            pop.serve(connection)
        }
        servers.append((pop, server))
        serverOverlaps.append(own)
        connections.append(counter)
        return servers.count - 1
    }

    /// Adds account `name` on server `server` (or on `port`) as `user`,
    /// delivering where `delivery` says (its own maildir by default).
    func addAccount(_ name: String, server: Int? = nil, port: Int? = nil, user: String? = nil,
                    delivery: String? = nil, extra: String = "") throws {
        let target = port ?? servers[server!].server.port
        let delivery = try delivery ?? "maildir " + home.makeMaildir("Mail/\(name)")
        blocks.append("""
            account \(name)
            port \(target)
            user \(user ?? name)
            delivery \(delivery)
            \(extra)
            """)
        try home.write(".mpoprc", """
            defaults
            host 127.0.0.1
            tls off
            auth user
            password pw
            timeout 30

            \(blocks.joined(separator: "\n\n"))

            """)
    }

    /// A maildir under HOME for accounts to share.
    func maildir(_ name: String) throws -> String {
        try home.makeMaildir(name)
    }

    func run(_ arguments: [String], timeout: Double = 90) throws -> RunResult {
        try MpopBinary.ours.run(arguments, home: home.path, environment: HostileAccount.sanitizerOptions,
                                timeout: timeout)
    }

    /// The `X-UID` of each message in the maildir `path`, sorted.
    static func maildirUIDs(_ path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path + "/new")) ?? []
        return names.compactMap { name in
            let text = String(decoding: FileManager.default.contents(atPath: path + "/new/" + name) ?? Data(),
                              as: UTF8.self)
            return uid(in: text)
        }.sorted()
    }

    /// The UIDs of the messages in an mbox's `text`, in the order they
    /// stand, each message checked to be whole: exactly one server message
    /// after its Received header.
    static func mboxUIDs(_ text: String) throws -> [String] {
        let messages = text.components(separatedBy: "\nFrom ").map { $0.hasPrefix("From ") ? String($0.dropFirst(5)) : $0 }
        var seen: [String] = []
        for message in messages {
            let uid = try #require(Self.uid(in: message), "\(message)")
            let body = MiniPOP3.body(uid: uid).replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\n..leading", with: "\n.leading")
            #expect(message.hasSuffix(body + "\n") || message.hasSuffix(body), "\(uid): \(message)")
            seen.append(uid)
        }
        return seen
    }

    static func uid(in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("X-UID: ") }
            .map { String($0.dropFirst(7)).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Undoes a run's work on this side: every maildir emptied, the UIDLs
    /// files gone (the servers keep what `keep on` kept).
    func forgetDeliveries() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: home.url(".mpop_uidls"))
        try fm.createDirectory(atPath: home.url(".mpop_uidls"), withIntermediateDirectories: true)
        let mail = home.url("Mail")
        for name in (try? fm.contentsOfDirectory(atPath: mail)) ?? [] {
            for file in (try? fm.contentsOfDirectory(atPath: mail + "/" + name + "/new")) ?? [] {
                try fm.removeItem(atPath: mail + "/" + name + "/new/" + file)
            }
        }
    }

    func stop() {
        for (_, server) in servers { server.stop() }
        home.remove()
    }
}
