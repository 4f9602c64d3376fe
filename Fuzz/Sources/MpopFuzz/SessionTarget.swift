import Auth
import POP3Core

/// A whole retrieval against a server that says anything: greeting, CAPA,
/// authentication (USER/PASS, APOP, or SASL through GNU SASL, so its base64
/// challenges are decoded too), STAT, LIST, UIDL, RETR data, DELE, QUIT.
///
/// Invariant ("nothing lost"): a UID is recorded as delivered only after
/// its message was committed to the sink.
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
        account.keep = seed & 4 != 0
        account.onlyNew = seed & 8 == 0
        account.delivery = .mbox("/dev/null")
        account.timeout = nil
        let transport = ByteTransport(body, seed: seed)
        let session = POP3Session(account: account, transport: transport, tlsStarter: nil,
                                  saslProvider: GSASLProvider(), password: { _ in nil },
                                  dialogue: nil, abortSignal: { 0 },
                                  serverIdentity: ServerIdentity(host: "pop.example.org"))
        let sink = CountingSink()
        let store = CheckingStore(sink: sink)
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
    init(sink: CountingSink) { self.sink = sink }
    func uids(host: String, user: String) -> Set<String> { ["old"] }
    func recordDelivered(_ uids: [String], host: String, user: String) throws {
        recorded += uids.count
        if recorded > sink.committed { violated("\(recorded) UIDs recorded for \(sink.committed) committed messages") }
    }
    func replace(host: String, user: String, with uids: [String]) {}
    func save() throws {}
    func close() {}
}
