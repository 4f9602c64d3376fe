import Testing
@testable import POP3Core

@Suite struct LineEncoderTests {
    static func encode(_ pieces: [[UInt8]], quoting: Bool = true, complete: Bool = false) -> String {
        var encoder = LineEncoder(quotesFromLines: quoting)
        var out = OutputBuffer()
        for (index, piece) in pieces.enumerated() {
            piece.withUnsafeBytes { encoder.encode($0, endsLine: index == pieces.count - 1, into: &out) }
        }
        if complete { encoder.completeLine(into: &out) }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("From x", ">From x\n"), (">From x", ">>From x\n"), (">>>From ", ">>>>From \n"),
        ("From", "From\n"), (">From", ">From\n"), ("Fromage", "Fromage\n"), (" From x", " From x\n"),
        ("from x", "from x\n"), ("", "\n"), (">", ">\n"), ("F", "F\n"), ("x From y", "x From y\n"),
    ])
    func quotesFromLinesWhereverTheyAreCut(line: String, expected: String) {
        let bytes = Array(line.utf8)
        #expect(Self.encode([bytes]) == expected)
        for cut in 0...bytes.count {
            #expect(Self.encode([Array(bytes[..<cut]), Array(bytes[cut...])]) == expected, "cut at \(cut)")
        }
        #expect(Self.encode(bytes.map { [$0] } + [[]]) == expected)
        #expect(Self.encode([bytes], quoting: false) == line + "\n")
    }

    @Test func onlyTheLineStartCounts() {
        #expect(Self.encode([Array("xx".utf8), Array("From y".utf8)]) == "xxFrom y\n")
    }

    @Test func aLongRunOfQuotesEndsUndecidedUnquoted() {
        let quotes = [UInt8](repeating: UInt8(ascii: ">"), count: LineEncoder.longestUndecidedStart)
        let text = Self.encode(quotes.map { [$0] } + [Array("From x".utf8)])
        #expect(text == String(repeating: ">", count: quotes.count) + "From x\n")
    }

    @Test func completeLineEndsAnOpenLineOnly() {
        var encoder = LineEncoder(quotesFromLines: true, lineEnding: .crlf)
        var out = OutputBuffer()
        encoder.completeLine(into: &out)
        #expect(out.bytes.isEmpty)
        Array(">Fr".utf8).withUnsafeBytes { encoder.encode($0, endsLine: false, into: &out) }
        encoder.completeLine(into: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == ">Fr\r\n")
    }

    @Test func loneCarriageReturnsStay() {
        #expect(Self.encode([Array("a\rb\r".utf8)]) == "a\rb\r\n")
    }
}
