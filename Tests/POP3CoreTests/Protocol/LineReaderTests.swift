import Testing
import TestSupport
@testable import POP3Core

/// Reads every line of `text` through a reader fed `chunk` bytes at a time.
func lines(of text: String, chunk: Int) throws -> [String] {
    let transport = ScriptedTransport(serverBytes: Array(text.utf8), chunkSize: chunk)
    let reader = LineReader(transport: transport)
    var result: [String] = []
    while let line = try reader.readLine() {
        result.append(String(decoding: line, as: UTF8.self))
    }
    return result
}

@Suite struct LineReaderTests {
    @Test func splitsLinesAtEveryBoundary() throws {
        let text = "+OK hello\r\nline two\nthree\r\r\n\r\n"
        for chunk in 1...text.utf8.count {
            #expect(try lines(of: text, chunk: chunk) == ["+OK hello", "line two", "three\r", ""])
        }
    }

    @Test func endlessReplyLineFailsBounded() throws {
        let transport = ScriptedTransport("<-| 200000 a", chunkSize: 4096)
        // The reader gives up long before the end of the line.
        transport.allowsUnplayedSteps = true
        let reader = LineReader(transport: transport)
        #expect(throws: POP3Error.lineTooLong(command: "CAPA")) {
            _ = try reader.readLine(command: "CAPA")
        }
    }

    @Test func lineOfExactlyTheLimitIsAccepted() throws {
        let transport = ScriptedTransport("<-| 65534 a\n<-- ", chunkSize: 999)
        let reader = LineReader(transport: transport)
        let line = try reader.readLine()
        #expect(line?.count == 65534)
    }

    @Test func partialLineBeforeEOFIsInvalid() {
        let transport = ScriptedTransport("<-! +OK no end")
        let reader = LineReader(transport: transport)
        #expect(throws: POP3Error.invalidReply(serverMessage: nil)) { _ = try reader.readLine() }
    }

    @Test func bufferedBytesAreVisible() throws {
        let transport = ScriptedTransport("<-- +OK\n<-- +OK injected")
        let reader = LineReader(transport: transport)
        _ = try reader.readLine()
        #expect(reader.bufferedByteCount == 14)
    }

    @Test func longMailLinesArriveInLargePieces() throws {
        let transport = ScriptedTransport("<-| 200000 b\n<-- \n<-- end", chunkSize: 7000)
        let reader = LineReader(transport: transport)
        var pieces: [(Int, Bool)] = []
        for _ in 0..<5 {
            _ = try reader.readPiece { bytes, endsLine in pieces.append((bytes.count, endsLine)) }
        }
        #expect(pieces.map(\.0).reduce(0, +) == 200003)
        #expect(pieces.first!.0 >= 4000)
        #expect(pieces.filter(\.1).count == 2)
        #expect(pieces.last! == (3, true))
    }

    @Test func splitCRLFInLongLineIsJoined() throws {
        // The buffer fills with a CR as its last byte; the LF comes next.
        let transport = ScriptedTransport("<-| 65535 c\n<-- ", chunkSize: 65536)
        let reader = LineReader(transport: transport)
        var total = 0
        var ended = false
        while !ended {
            _ = try reader.readPiece { bytes, endsLine in
                total += bytes.count
                #expect(!bytes.contains(13))
                ended = endsLine
            }
        }
        #expect(total == 65535)
    }
}
