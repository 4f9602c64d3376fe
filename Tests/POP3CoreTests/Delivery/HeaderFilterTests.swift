import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct HeaderFilterTests {
    static let header = FixtureMessage("header", "Return-Path: <a@example.org>\nFrom: x\nSubject: From here\n\n")

    static func decide(_ command: String, envelopeFrom: String? = nil, size: Int64 = 1234) throws -> FilterDecision {
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
