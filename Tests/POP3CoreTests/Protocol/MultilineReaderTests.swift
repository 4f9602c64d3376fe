import Testing
import TestSupport
@testable import POP3Core

/// Reads a RETR data block split every `chunk` bytes; returns the lines.
func dataLines(_ script: String, chunk: Int) throws -> [String] {
    let reader = LineReader(transport: ScriptedTransport(script, chunkSize: chunk))
    var lines: [String] = []
    var current: [UInt8] = []
    try MultilineReader.readData(from: reader) { piece in
        current += piece.bytes
        if piece.endsLine {
            lines.append(String(decoding: current, as: UTF8.self))
            current = []
        }
    }
    return lines
}

@Suite struct MultilineReaderTests {
    static let message = """
    <-- Subject: dots
    <--
    <-- ..leading dot
    <-- ...two
    <-- .
    """

    @Test func unstuffsAndStopsAtTheTerminatorAtEveryBoundary() throws {
        for chunk in 1...50 {
            #expect(try dataLines(Self.message, chunk: chunk) == ["Subject: dots", "", ".leading dot", "..two"])
        }
    }

    @Test func prematureEndIsAnErrorNotALoop() {
        #expect(throws: POP3Error.emptyReply) {
            _ = try dataLines("<-- Subject: cut\n<-- body\n!! eof", chunk: 3)
        }
    }

    @Test func listingStopsAtDotWithoutUnstuffing() throws {
        let reader = LineReader(transport: ScriptedTransport("<-- 1 10\n<-- ..x\n<-- ."))
        var seen: [String] = []
        try MultilineReader.readListing(from: reader, command: "LIST") { seen.append(String(decoding: $0, as: UTF8.self)) }
        #expect(seen == ["1 10", "..x"])
    }

    @Test func listingLimitIsEnforced() {
        let script = (0..<60).map { _ in "<-- TOP" }.joined(separator: "\n") + "\n<-- ."
        let reader = LineReader(transport: ScriptedTransport(script))
        #expect(throws: POP3Error.invalidReplyTo(command: "CAPA", serverMessage: nil)) {
            try MultilineReader.readListing(from: reader, command: "CAPA", limit: 48) { _ in }
        }
    }
}
