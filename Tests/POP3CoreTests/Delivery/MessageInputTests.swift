import POP3Core
import Testing

/// ``MessageInput`` splits a mail read from a byte stream (`--mda`'s stdin)
/// into lines as mpop 1.4.23's `mpop_mda` does: LF or CRLF ends a line and
/// is removed, a last line without an ending still is a line, everything
/// else passes unchanged; and it does so with one fixed buffer.
@Suite struct MessageInputTests {
    /// The lines `input` becomes, each line's pieces joined, read `chunk`
    /// bytes at a time.
    static func lines(_ input: [UInt8], chunk: Int = .max, bufferSize: Int = MessageInput.bufferSize)
        -> (lines: [[UInt8]], pieces: [(count: Int, endsLine: Bool)]) {
        var offset = 0
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var pieces: [(Int, Bool)] = []
        MessageInput.feed(bufferSize: bufferSize, read: { buffer in
            let count = min(chunk, buffer.count, input.count - offset)
            for index in 0..<count { buffer[index] = input[offset + index] }
            offset += count
            return count
        }, append: { piece, endsLine in
            current.append(contentsOf: piece)
            pieces.append((piece.count, endsLine))
            if endsLine {
                lines.append(current)
                current = []
            }
        })
        #expect(current.isEmpty, "the last line was left open")
        return (lines, pieces)
    }

    static func text(_ lines: [[UInt8]]) -> [String] {
        lines.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Fixtures: input, and the lines it is (without line endings).
    static let fixtures: [(input: String, lines: [String])] = [
        ("", []),
        ("\n", [""]),
        ("\r\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\nb", ["a", "b"]),
        ("a\r\nb\r", ["a", "b\r"]),
        ("a\rb\r\n", ["a\rb"]),
        ("a\r\r\n", ["a\r"]),
        ("\r", ["\r"]),
        ("x\0y\n\n\n", ["x\0y", "", ""]),
        ("Subject: s\r\n\r\nFrom me\r\n.\r\n..\r\nend", ["Subject: s", "", "From me", ".", "..", "end"]),
    ]

    @Test(arguments: 0..<fixtures.count)
    func fixtureSplitAtEveryByteBoundary(_ index: Int) {
        let (input, expected) = Self.fixtures[index]
        let bytes = Array(input.utf8)
        for chunk in 1...max(1, bytes.count) {
            let (lines, _) = Self.lines(bytes, chunk: chunk)
            #expect(Self.text(lines) == expected, "\(input.debugDescription) read \(chunk) at a time")
        }
    }

    /// Every cut of a CRLF between two reads, and between two buffers.
    @Test func crlfCutAtABufferBoundaryIsOneLineEnding() {
        for length in 4090...4100 {
            var input = [UInt8](repeating: UInt8(ascii: "x"), count: length)
            input += Array("\r\nnext\r\n".utf8)
            for chunk in [1, 7, 4095, 4096, .max] {
                let (lines, _) = Self.lines(input, chunk: chunk, bufferSize: 4096)
                #expect(lines.count == 2, "length \(length), chunk \(chunk)")
                #expect(lines.first == [UInt8](repeating: UInt8(ascii: "x"), count: length))
                #expect(lines.last == Array("next".utf8))
            }
        }
    }

    /// A CR that ends a buffer without an LF after it stays in the line
    /// (mpop 1.4.23 drops one that ends its 8,191-byte chunk).
    @Test func loneCRAtABufferBoundaryIsKept() {
        var input = [UInt8](repeating: UInt8(ascii: "x"), count: 4095)
        input += Array("\ry\n".utf8)
        let (lines, _) = Self.lines(input, bufferSize: 4096)
        #expect(lines == [input.dropLast()].map(Array.init))
    }

    /// A line longer than the buffer goes out in pieces; the first holds
    /// the line's first 4,000 bytes, as the writers' MBOXRD check needs,
    /// however the reads are cut and wherever the line starts.
    @Test func longLinesComeInLargePieces() {
        let long = Array(">>From ".utf8) + [UInt8](repeating: UInt8(ascii: "z"), count: 200_000)
        for prefix in ["", "short\n", String(repeating: "p", count: 5000) + "\n"] {
            let input = Array(prefix.utf8) + long + Array("\nend".utf8)
            for chunk in [1000, 4096, .max] {
                let (lines, pieces) = Self.lines(input, chunk: chunk, bufferSize: 8192)
                #expect(lines.last == Array("end".utf8))
                #expect(lines.dropLast().last == long, "prefix \(prefix.count), chunk \(chunk)")
                var lineStart = true
                for piece in pieces {
                    if lineStart && !piece.endsLine {
                        #expect(piece.count >= 4000, "a first piece of \(piece.count) bytes")
                    }
                    lineStart = piece.endsLine
                }
            }
        }
    }

    /// What `read` and `append` throw ends the feed, with nothing passed
    /// after it.
    @Test func errorsStopTheFeed() {
        struct Stop: Error {}
        var reads = 0
        #expect(throws: Stop.self) {
            try MessageInput.feed(read: { buffer throws(Stop) in
                reads += 1
                if reads == 2 { throw Stop() }
                buffer[0] = UInt8(ascii: "a")
                buffer[1] = UInt8(ascii: "\n")
                return 2
            }, append: { _, _ throws(Stop) in })
        }
        var appended = 0
        #expect(throws: Stop.self) {
            try MessageInput.feed(read: { buffer throws(Stop) in
                for index in 0..<4 { buffer[index] = UInt8(ascii: "\n") }
                return 4
            }, append: { _, _ throws(Stop) in
                appended += 1
                throw Stop()
            })
        }
        #expect(appended == 1)
    }
}
