import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// A seeded random-mutation run over the seeds of Fuzz/Corpus, in the
/// normal suite: a few thousand inputs per parser, the same every run, so
/// a parser that starts to crash or to break an invariant fails here
/// without libFuzzer. Scripts/fuzz does the long, coverage-guided runs.
@Suite struct MutationFuzzTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")
    static let mutationsPerSeed = 1500

    /// The committed seeds and regression inputs of one target.
    static func seeds(_ target: String) -> [[UInt8]] {
        ["Corpus", "Regressions"].flatMap { folder -> [[UInt8]] in
            let directory = fuzzFolder.appendingPathComponent(folder).appendingPathComponent(target)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            return names.compactMap { FileManager.default.contents(atPath: directory.appendingPathComponent($0).path).map(Array.init) }
        }
    }

    /// Every seed, then mutations of it, through `body`.
    static func fuzz(_ target: String, _ body: ([UInt8]) -> Void) {
        let seeds = seeds(target)
        #expect(!seeds.isEmpty, "no seeds in Fuzz/Corpus/\(target)")
        var random = SeededRandom(seed: UInt64(target.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }.magnitude))
        for seed in seeds {
            body(seed)
            for _ in 0..<mutationsPerSeed { body(random.mutate(seed)) }
        }
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map { $0.filter { $0 != 13 } }
    }

    @Test func statusLinesAndGreetings() {
        Self.fuzz("status") { input in
            _ = try? StatusLine(bytes: input)
        }
        Self.fuzz("greeting") { input in
            if let greeting = try? Greeting(line: input), let stamp = greeting.apopTimestamp {
                #expect(stamp.hasPrefix("<") && stamp.hasSuffix(">"))
            }
        }
    }

    @Test func capabilitiesAndListings() {
        Self.fuzz("capa") { input in
            var capabilities = Capabilities()
            for line in Self.lines(input) { capabilities.absorb(line: line) }
        }
        Self.fuzz("list") { input in
            let count = Int(input.first ?? 0)
            var listing = ScanListing(messageCount: count)
            do {
                for line in Self.lines(Array(input.dropFirst())) { try listing.absorb(line: line) }
                let sizes = try listing.finish()
                #expect(sizes.count == count && sizes.allSatisfy { $0 >= 0 })
            } catch {}
        }
        Self.fuzz("uidl") { input in
            let count = Int(input.first ?? 0)
            var listing = UniqueIDListing(messageCount: count)
            do {
                for line in Self.lines(Array(input.dropFirst())) { try listing.absorb(line: line) }
                #expect(try listing.finish().count == count)
            } catch {}
        }
    }

    /// Any lines, dot-stuffed and sent in pieces, come back unchanged.
    @Test func unstuffingGivesBackTheLines() throws {
        var failures = 0
        Self.fuzz("unstuff") { input in
            let lines = Self.lines(Array(input.dropFirst()))
            var wire: [UInt8] = []
            for line in lines { wire += (line.first == UInt8(ascii: ".") ? [UInt8(ascii: ".")] : []) + line + [13, 10] }
            wire += Array(".\r\n".utf8)
            let reader = LineReader(transport: ChunkedBytes(wire, chunk: Int(input.first ?? 0) % 17))
            var got: [[UInt8]] = [], current: [UInt8] = []
            do {
                try MultilineReader.readData(from: reader) { piece in
                    current += piece.bytes
                    if piece.endsLine { got.append(current); current = [] }
                }
            } catch {
                failures += 1
            }
            if got != lines { failures += 1 }
        }
        #expect(failures == 0)
    }

    /// A whole retrieval against any server bytes: no crash, and no UID
    /// recorded before its message was committed.
    @Test func wholeSessions() {
        Self.fuzz("session") { input in
            let seed = input.first ?? 0
            let account = testAccount {
                $0.pipelining = [.off, .on, .auto][Int(seed >> 3 & 3) % 3]
                $0.keep = seed & 4 != 0 ? .on : .off
                $0.timeout = nil
            }
            let transport = ScriptedTransport(serverBytes: Array(input.dropFirst()), chunkSize: Int(seed % 17) + 1)
            let session = makeSession(account, transport)
            let store = MemoryStore(["old"])
            let sink = MemorySink()
            let retrieval = Retrieval(session: session, openStore: { store }, makeSink: { sink }, filter: nil,
                                      observer: nil, receivedHeader: nil)
            _ = try? retrieval.run()
            #expect(store.journal.count <= sink.committed.count)
        }
    }

    @Test func configUIDLsAndJournal() {
        Self.fuzz("config") { input in
            let parser = ConfigFileParser(file: "/fuzz/mpoprc", home: "/fuzz") { _ throws(ShellCommand.Failure) in "x" }
            _ = try? parser.parse(input)
        }
        Self.fuzz("uidls") { input in
            _ = try? UIDLsParser.parse(input, fileName: "/fuzz/uidls")
        }
        Self.fuzz("journal") { input in
            let all = UIDLsJournalRecord.decodeAll(input)
            #expect(UIDLsJournalReplay.replay(input, currentBootID: "boot").records.allSatisfy(all.contains))
            let marked = input + Array("\n@durable\n".utf8)
            let counted = UIDLsJournalReplay.replay(marked, currentBootID: nil).records
            #expect(counted.allSatisfy(UIDLsJournalRecord.decodeAll(marked).contains))
            // Without boot lines, a final marker makes every intact record count.
            let unbooted = marked.split(separator: 10, omittingEmptySubsequences: false)
                .filter { !$0.starts(with: Array("@boot".utf8)) }.joined(separator: [10]).map { $0 }
            #expect(UIDLsJournalReplay.replay(unbooted, currentBootID: nil).records
                    == UIDLsJournalRecord.decodeAll(unbooted))
            let record = UIDLsJournalRecord(host: "pop.example.org", user: "joe", uid: input)
            #expect(UIDLsJournalRecord.decodeAll(UIDLsJournalRecord.header + record.encoded) == [record])
        }
    }
}

/// Server bytes in chunks of a fixed size (0: all at once); writes are dropped.
final class ChunkedBytes: Transport {
    private var bytes: ArraySlice<UInt8>
    private let chunk: Int
    init(_ bytes: [UInt8], chunk: Int) {
        self.bytes = bytes[...]
        self.chunk = chunk
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, chunk == 0 ? bytes.count : chunk, bytes.count)
        buffer.copyBytes(from: bytes.prefix(n))
        bytes = bytes.dropFirst(n)
        return n
    }
    func write(_ bytes: UnsafeRawBufferPointer) throws {}
    func close() {}
}

/// xorshift64*, so every run mutates the same way.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next(_ bound: Int) -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 0x2545_F491_4F6C_DD1D) % UInt64(max(bound, 1)))
    }

    /// One to four byte-level edits: flip, insert, delete, duplicate a run,
    /// or splice in a token that parsers care about.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        let tokens = ["\r\n", ".\r\n", "+OK ", "-ERR ", " ", "<", ">", "\u{0}", "\u{ff}", "99999999999999999999",
                      "-1", "%", "#", "\"", "\\", "account ", "defaults\n", "SASL ", "+ "].map { Array($0.utf8) }
        var bytes = input
        for _ in 0...next(4) {
            let at = bytes.isEmpty ? 0 : next(bytes.count + 1)
            switch next(5) {
            case 0 where !bytes.isEmpty && at < bytes.count: bytes[at] ^= UInt8(1 << next(8))
            case 1: bytes.insert(UInt8(truncatingIfNeeded: next(256)), at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(min(at, bytes.count - 1)..<min(bytes.count, at + next(8) + 1))
            case 3 where at < bytes.count:
                let end = min(bytes.count, at + next(32) + 1)
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
            default: bytes.insert(contentsOf: tokens[next(tokens.count)], at: at)
            }
        }
        return bytes
    }
}
