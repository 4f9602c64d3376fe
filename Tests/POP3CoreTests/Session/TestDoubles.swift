import TestSupport
@testable import POP3Core
import TLSGnu

/// "TLS" that keeps talking to the same scripted peer, so transcripts can
/// continue after STLS.
final class FakeTLSTransport: TLSTransport {
    let inner: any Transport
    let version: String
    let bindings: [ChannelBindingKind: [UInt8]]
    init(_ inner: any Transport, version: String = "TLS1.3", bindings: [ChannelBindingKind: [UInt8]] = [:]) {
        self.inner = inner
        self.version = version
        self.bindings = bindings
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try inner.read(into: buffer) }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try inner.write(bytes) }
    func close() { inner.close() }
    var sessionDescription: String? { "(\(version))-(FAKE)" }
    var peerCertificate: CertificateInfo? { nil }
    func channelBinding(_ kind: ChannelBindingKind) -> [UInt8]? { bindings[kind] }
}

final class FakeTLSStarter: TLSStarter, @unchecked Sendable {
    var settings: [TLSSettings] = []
    let version: String
    let bindings: [ChannelBindingKind: [UInt8]]
    /// `bindings`: what the session's `channelBinding(_:)` gives, per kind.
    init(version: String = "TLS1.3", bindings: [ChannelBindingKind: [UInt8]] = [:]) {
        self.version = version
        self.bindings = bindings
    }
    func startTLS(over transport: any SocketBackedTransport, settings: TLSSettings) throws -> any TLSTransport {
        self.settings.append(settings)
        return FakeTLSTransport(transport, version: version, bindings: bindings)
    }
}

/// SASL client steps from a fixed list of answers.
final class FakeSASLClient: SASLClientSession {
    var answers: [String]
    var challenges: [String?] = []
    init(_ answers: [String]) { self.answers = answers }
    func step(challenge: String?) throws -> (response: String, complete: Bool) {
        challenges.append(challenge)
        let answer = answers.isEmpty ? "" : answers.removeFirst()
        return (answer, answers.isEmpty)
    }
}

final class FakeSASLProvider: SASLProvider, @unchecked Sendable {
    let mechanisms: Set<String>
    let answers: [String]
    /// Mechanisms whose client fails to start, as GNU SASL's can.
    let failingToStart: Set<String>
    var lastClient: FakeSASLClient?
    var lastProperties: SASLProperties?
    /// Every client started, in order, with its properties.
    var started: [(mechanism: String, properties: SASLProperties)] = []
    init(_ mechanisms: Set<String>, answers: [String] = [], failingToStart: Set<String> = []) {
        self.mechanisms = mechanisms
        self.answers = answers
        self.failingToStart = failingToStart
    }
    func supports(_ mechanism: String) -> Bool { mechanisms.contains(mechanism) }
    func makeClient(mechanism: String, properties: SASLProperties) throws -> any SASLClientSession {
        started.append((mechanism, properties))
        if failingToStart.contains(mechanism) { throw FakeSASLStartFailure() }
        lastProperties = properties
        let client = FakeSASLClient(answers)
        lastClient = client
        return client
    }
}

/// GNU SASL refusing to start a mechanism (exit 70).
struct FakeSASLStartFailure: ReportableError {
    var explanation: String { "GNU SASL: Error authenticating user" }
    var serverMessage: String? { nil }
    var exitStatus: ExitStatus { .software }
}

final class MemoryStore: SeenMessageStore {
    var lists: [String: [String]] = [:]
    var journal: [String] = []
    var saves = 0
    var closed = false
    var events: [String] = []
    init(_ uids: [String] = [], host: String = "pop.example.org", user: String = "joe") {
        if !uids.isEmpty { lists["\(host) \(user)"] = uids }
    }
    func uids(host: String, user: String) -> Set<String> { Set(lists["\(host) \(user)"] ?? []) }
    /// How many of the last journal entries still wait for their marker.
    var unmarked = 0
    func recordDelivered(_ uids: [String], host: String, user: String) throws {
        journal += uids
        unmarked += uids.count
        events.append("record \(uids.joined(separator: ","))")
    }
    func makeRecordsDurable() throws {
        unmarked = 0
        events.append("durable")
    }
    /// What ``waitUntilRecordsAreDurable()`` runs.
    var onWait: (() -> Void)?
    func waitUntilRecordsAreDurable() throws {
        events.append("wait")
        onWait?()
    }
    func withdrawUnmarkedRecords() throws {
        journal.removeLast(unmarked)
        unmarked = 0
        events.append("withdraw")
    }
    func replace(host: String, user: String, with uids: [String]) {
        lists["\(host) \(user)"] = uids.isEmpty ? nil : uids.sorted()
    }
    /// First-seen times by UID (one list is enough for these tests).
    var times: [String: Int64] = [:]
    /// What ``sessionStart`` says.
    var now: Int64 = 1_000_000
    var keepsTimes = false
    var sessionStart: Int64 { now }
    func firstSeenTimes(host: String, user: String) -> [[UInt8]: Int64] {
        Dictionary(uniqueKeysWithValues: times.map { (Array($0.key.utf8), $0.value) })
    }
    func keepFirstSeenTimes() { keepsTimes = true }
    func replace(host: String, user: String, with uids: [String], firstSeen: [Int64]) {
        replace(host: host, user: user, with: uids)
        times = Dictionary(uniqueKeysWithValues: zip(uids, firstSeen))
    }
    func save() throws {
        saves += 1
        events.append("save")
    }
    func close() { closed = true }
    func stored(host: String = "pop.example.org", user: String = "joe") -> [String] {
        lists["\(host) \(user)"] ?? []
    }
}

final class MemorySink: MessageSink {
    final class Writer: MessageWriter {
        let sink: MemorySink
        var lines: [String] = []
        var current: [UInt8] = []
        init(sink: MemorySink) { self.sink = sink }
        func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws {
            current += piece
            if endsLine {
                lines.append(String(decoding: current, as: UTF8.self))
                current = []
            }
            if let failAfter = sink.failAfterLines, lines.count >= failAfter {
                throw MessageError("delivery broke", exitStatus: .ioError)
            }
        }
        func commit() throws {
            sink.committed.append(lines)
            sink.unsynced += 1
            sink.events.append("commit")
        }
        func abort() { sink.aborted += 1 }
    }

    var needsEnvelopeFrom = false
    var committed: [[String]] = []
    var envelopes: [String?] = []
    var headers: [[String]?] = []
    var aborted = 0
    var syncs = 0
    var closed = false
    var failAfterLines: Int?
    /// Syncs (counted from 1) that fail, removing the batch as a real
    /// sink does.
    var failingSyncs: Set<Int> = []
    var events: [String] = []

    func begin(envelopeFrom: String?, receivedHeader: [String]?) throws -> any MessageWriter {
        envelopes.append(envelopeFrom)
        headers.append(receivedHeader)
        return Writer(sink: self)
    }
    /// Messages committed since the last successful sync.
    var unsynced = 0
    func syncCommitted() throws {
        syncs += 1
        if failingSyncs.contains(syncs) {
            committed.removeLast(unsynced)
            unsynced = 0
            events.append("sync failed")
            throw MessageError("cannot sync", exitStatus: .ioError)
        }
        unsynced = 0
        events.append("sync")
    }
    func close() throws { closed = true }
}

final class FakeFilter: HeaderFilterRunner {
    final class Run: HeaderFilterRun {
        let decision: FilterDecision
        var lines = 0
        init(_ decision: FilterDecision) { self.decision = decision }
        func append(_ piece: UnsafeRawBufferPointer, endsLine: Bool) throws { if endsLine { lines += 1 } }
        func finish() throws -> FilterDecision { decision }
        func abort() {}
    }
    var needsEnvelopeFrom = false
    var decisions: [FilterDecision]
    var sizes: [Int64] = []
    var envelopes: [String?] = []
    init(_ decisions: [FilterDecision]) { self.decisions = decisions }
    func start(envelopeFrom: String?, size: Int64) throws -> any HeaderFilterRun {
        sizes.append(size)
        envelopes.append(envelopeFrom)
        return Run(decisions.isEmpty ? .keep : decisions.removeFirst())
    }
}

final class RecordingObserver: RetrievalObserver {
    var lines: [String] = [] {
        didSet { linesChanged?(lines) }
    }
    /// Called after each new line, with all of them.
    var linesChanged: (([String]) -> Void)?
    func status(user: String, host: String, newCount: Int, newSize: Int64, totalCount: Int, totalSize: Int64) {
        lines.append("status \(user)@\(host) new \(newCount)/\(newSize) total \(totalCount)/\(totalSize)")
    }
    func skipped(number: Int, of count: Int, reason: SkipReason, deleted: Bool, keep: Bool) {
        lines.append("\(deleted ? "delete" : "skip") \(number)/\(count) \(reason.rawValue)\(keep ? " keep" : "")")
    }
    func retrievalStarted(number: Int, of count: Int, size: Int64) { lines.append("start \(number)/\(count) \(size)") }
    func retrievalProgress(percent: Int) { lines.append("\(percent)%") }
    func retrievalFinished() { lines.append("done") }
    func retrievalAborted() { lines.append("aborted") }
}

final class RecordingDialogue: DialogueObserver {
    var lines: [String] = []
    func sent(_ text: String) { lines.append("--> " + text) }
    func received(_ bytes: UnsafeRawBufferPointer, continuesLine: Bool) {
        lines.append("<-- " + String(decoding: bytes, as: UTF8.self))
    }
    func tlsEstablished(_ transport: any TLSTransport) { lines.append("TLS") }
}

func testAccount(_ configure: (inout Account) -> Void = { _ in }) -> Account {
    var account = Account()
    account.host = "pop.example.org"
    account.user = "joe"
    account.password = Secret("pw")
    account.auth = "USER"
    account.delivery = .mbox("/dev/null")
    configure(&account)
    return account
}

func makeSession(_ account: Account, _ transport: ScriptedTransport, sasl: (any SASLProvider)? = nil,
                 tls: FakeTLSStarter = FakeTLSStarter(), dialogue: (any DialogueObserver)? = nil,
                 password: @escaping PasswordProvider = { _ in nil }, cancellation: Cancellation = .never)
    -> POP3Session {
    POP3Session(account: account, transport: transport, tlsStarter: tls, saslProvider: sasl, md5: GnuTLSMD5(),
                password: password, dialogue: dialogue, cancellation: cancellation,
                serverIdentity: ServerIdentity(host: account.host ?? ""))
}
