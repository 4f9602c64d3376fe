import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct ExchangeSinkTests {
    static let crlf = bytes("\r\n")

    static func delivered(_ directory: String) -> [(name: String, bytes: [UInt8])] {
        listDirectory(directory)
            .sorted { MaildirSinkTests.sequence($0) < MaildirSinkTests.sequence($1) }
            .map { ($0, readFile(directory + "/" + $0)) }
    }

    @Test(arguments: Piecing.allCases)
    func writesCRLFFilesIntoThePickupDirectory(piecing: Piecing) throws {
        let dir = try TemporaryDirectory()
        let pickup = try dir.makeDirectory("Pickup")
        let sink = try ExchangeSink(path: pickup)
        #expect(!sink.needsEnvelopeFrom)
        for message in FixtureMessage.samples {
            try Feed.deliver(message, to: sink, piecing: piecing, receivedHeader: sampleReceivedHeader)
        }
        try sink.syncCommitted()
        try sink.close()

        let files = Self.delivered(pickup)
        try #require(files.count == FixtureMessage.samples.count)
        let host = UniqueFileName.localHost()
        for (file, message) in zip(files, FixtureMessage.samples) {
            let received = sampleReceivedHeader.flatMap { bytes($0) + Self.crlf }
            #expect(file.bytes == received + message.expectedBody(ending: Self.crlf), "\(message)")
            #expect(file.name.wholeMatch(of: #/mpop-[0-9]+-M[0-9]{6}P[0-9]+Q[0-9]+-.+\.eml/#) != nil, "\(file.name)")
            #expect(file.name.hasSuffix("P\(getpid())Q\(MaildirSinkTests.sequence(file.name))-\(host).eml"))
            #expect(fileMode(pickup + "/" + file.name) == 0o600)
        }
    }

    @Test func abortRemovesTheFile() throws {
        let dir = try TemporaryDirectory()
        let pickup = try dir.makeDirectory("Pickup")
        let sink = try ExchangeSink(path: pickup)
        let writer = try sink.begin(envelopeFrom: nil, receivedHeader: sampleReceivedHeader)
        try Feed.lines(FixtureMessage.samples[1], piecing: .engineChunks) { try writer.append($0, endsLine: $1) }
        #expect(listDirectory(pickup).count == 1)
        writer.abort()
        #expect(listDirectory(pickup).isEmpty)
    }

    @Test func aMissingDirectoryIsReportedAsMpopDoes() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.url("nothing")
        let error = #expect(throws: DeliveryError.self) { try ExchangeSink(path: missing) }
        #expect(error?.explanation == "cannot change to \(missing): No such file or directory")
    }

    @Test func filesAreSyncedOncePerBatch() throws {
        let dir = try TemporaryDirectory()
        let pickup = try dir.makeDirectory("Pickup")
        let faults = FaultyCalls()
        let sink = try ExchangeSink(path: pickup, calls: faults.calls)
        for index in 0..<3 {
            try Feed.deliver(FixtureMessage("m", "message \(index)\n"), to: sink)
        }
        #expect(faults.fsyncCalls == 0)
        try sink.syncCommitted()
        #expect(faults.fsyncCalls == 4)
        #expect(Self.delivered(pickup).map(\.bytes) == (0..<3).map { bytes("message \($0)\r\n") })
    }
}
