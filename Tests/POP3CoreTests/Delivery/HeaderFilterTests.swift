import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct HeaderFilterTests {
    static let header = FixtureMessage("header", "Return-Path: <a@example.org>\nFrom: x\nSubject: From here\n\n")

    static func decide(_ command: String, envelopeFrom: String? = nil, size: Int64 = 1234,
                       header: FixtureMessage = header) throws -> FilterDecision {
        let run = try HeaderFilter(command: command).start(envelopeFrom: envelopeFrom, size: size)
        try Feed.lines(header, piecing: .wholeLines) { try run.append($0, endsLine: $1) }
        return try run.finish()
    }

    @Test func exitCodesDecide() throws {
        #expect(try Self.decide("cat >/dev/null; exit 0") == .keep)
        #expect(try Self.decide("cat >/dev/null; exit 1") == .delete)
        #expect(try Self.decide("cat >/dev/null; exit 2") == .ignore)
        #expect(try Self.decide("exit 1") == .delete)
    }

    /// Unlike a delivery agent, a filter may decide from the first lines:
    /// one that stops reading a header far bigger than a pipe is judged by
    /// its exit status alone.
    @Test func aFilterThatStopsReadingDecidesByItsExitStatus() throws {
        let padding = "X-Pad: " + String(repeating: "y", count: 70) + "\n"
        let big = FixtureMessage("big header", "Subject: big\n" + String(repeating: padding, count: 3_000) + "\n")
        #expect(try Self.decide("exit 1", header: big) == .delete)
        #expect(try Self.decide("head -c 100 >/dev/null; exit 2", header: big) == .ignore)
        #expect(try Self.decide("exit 0", header: big) == .keep)
        let failed = #expect(throws: DeliveryError.self) { try Self.decide("exit 9", header: big) }
        #expect(failed?.explanation == "exit 9 did not read mail data")
    }

    @Test func otherEndingsAreDeliveryErrors() {
        let tempFail = #expect(throws: DeliveryError.self) { try Self.decide("cat >/dev/null; exit 75") }
        #expect(tempFail?.explanation == "cat >/dev/null; exit 75 returned exit status 75 (EX_TEMPFAIL: temporary failure)")
        #expect(tempFail?.exitStatus == .ioError)
        let three = #expect(throws: DeliveryError.self) { try Self.decide("cat >/dev/null; exit 3") }
        #expect(three?.explanation == "cat >/dev/null; exit 3 returned exit status 3")
        let killed = #expect(throws: DeliveryError.self) { try Self.decide("cat >/dev/null; kill -9 $$") }
        #expect(killed?.explanation == "cat >/dev/null; kill -9 $$ failed to execute")
    }

    @Test func theCommandGetsTheHeaderWithLFAndNoQuoting() throws {
        let dir = try TemporaryDirectory()
        let out = dir.url("header")
        #expect(try Self.decide("cat > '\(out)'") == .keep)
        #expect(readFile(out) == Self.header.expectedBody())
    }

    @Test func percentFAndPercentSAreReplaced() throws {
        let dir = try TemporaryDirectory()
        let out = dir.url("args")
        let filter = HeaderFilter(command: "cat >/dev/null; echo %F %S %F > '\(out)'")
        #expect(filter.needsEnvelopeFrom)
        let run = try filter.start(envelopeFrom: "a@example.org", size: 98765)
        #expect(try run.finish() == .keep)
        #expect(readFile(out) == bytes("a@example.org 98765 a@example.org\n"))
        #expect(!HeaderFilter(command: "exit 0 %S").needsEnvelopeFrom)
    }

    @Test func abortEndsTheCommand() throws {
        let run = try HeaderFilter(command: "sleep 30").start(envelopeFrom: nil, size: 1)
        run.abort()
    }
}
