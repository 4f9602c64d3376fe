import Auth
import POP3Core

/// A whole retrieval against a server that says anything: greeting, CAPA,
/// authentication (USER/PASS, APOP, or SASL through GNU SASL, so its base64
/// challenges are decoded too), STAT, LIST, UIDL, RETR data, DELE, QUIT.
///
/// Invariants ("nothing lost"): a UID is recorded as delivered only after
/// its message was committed to the sink, and no DELE goes out while a
/// delivery record is not yet durable.
enum SessionTarget {
    static let methods = ["USER", "APOP", "PLAIN", "CRAM-MD5", "SCRAM-SHA-1", "DIGEST-MD5", "LOGIN", ""]

    static func run(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        var account = Account()
        account.host = "pop.example.org"
        account.user = "joe"
        account.password = Secret("pw")
        account.auth = methods[Int(seed >> 5)]
        account.pipelining = [.off, .on, .auto][Int(seed >> 3 & 3) % 3]
        account.keep = seed & 4 != 0 ? .on : .off
        account.onlyNew = seed & 8 == 0
        account.delivery = .mbox("/dev/null")
        account.timeout = nil
        let transport = ByteTransport(body, seed: seed)
        let sink = CountingSink()
        let store = CheckingStore(sink: sink)
        transport.onWrite = { bytes in
            if bytes.starts(with: Array("DELE ".utf8)), store.recorded != store.durable {
                violated("DELE sent with \(store.recorded - store.durable) delivery records not yet durable")
            }
        }
        let session = POP3Session(account: account, transport: transport, tlsStarter: nil,
                                  saslProvider: GSASLProvider(), md5: FixedDigest(), password: { _ in nil },
                                  dialogue: nil,
                                  serverIdentity: ServerIdentity(host: "pop.example.org"))
        let retrieval = Retrieval(session: session, openStore: { store }, makeSink: { sink }, filter: nil,
                                  observer: nil, receivedHeader: nil)
        _ = try? retrieval.run(statusOnly: seed & 16 != 0 && seed & 2 != 0)
        session.close()
    }
}

/// Counts committed messages and drops their bytes.
final class CountingSink: MessageSink {
    final class Writer: MessageWriter {
        let sink: CountingSink
        init(sink: CountingSink) { self.sink = sink }
        func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {}
        func commit() throws { sink.committed += 1 }
        func abort() {}
    }

    var committed = 0
    var needsEnvelopeFrom: Bool { false }
    func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter { Writer(sink: self) }
    func syncCommitted() throws {}
    func close() throws {}
}

/// Knows one old UID and checks every delivery record against the sink.
final class CheckingStore: SeenMessageStore {
    let sink: CountingSink
    var recorded = 0
    var durable = 0
    init(sink: CountingSink) { self.sink = sink }
    func uids(host: String, user: String) -> Set<String> { ["old"] }
    func recordDelivered(_ uids: [String], host: String, user: String) throws {
        recorded += uids.count
        if recorded > sink.committed { violated("\(recorded) UIDs recorded for \(sink.committed) committed messages") }
    }
    func makeRecordsDurable() throws { durable = recorded }
    func replace(host: String, user: String, with uids: [String]) {}
    func save() throws {}
    func close() {}
}

/// APOP needs a digest; its value does not matter to a server that says anything.
struct FixedDigest: MD5Digester {
    func md5(_ bytes: [UInt8]) -> [UInt8] { Array(repeating: UInt8(truncatingIfNeeded: bytes.count), count: 16) }
}
