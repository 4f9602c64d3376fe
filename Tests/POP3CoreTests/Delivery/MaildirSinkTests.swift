import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct MaildirSinkTests {
    static let host = UniqueFileName.localHost()

    /// The delivered files of `maildir/new`, in delivery order (by Q number).
    static func delivered(_ maildir: String) -> [(name: String, bytes: [UInt8])] {
        let names = listDirectory(maildir + "/new")
        let ordered = names.sorted { sequence($0) < sequence($1) }
        return ordered.map { ($0, readFile(maildir + "/new/" + $0)) }
    }

    static func sequence(_ name: String) -> Int {
        name.firstMatch(of: #/Q([0-9]+)/#).flatMap { Int($0.1) } ?? -1
    }

    @Test(arguments: Piecing.allCases)
    func writesEachMessageToItsOwnFileInNew(piecing: Piecing) throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let sink = try MaildirSink(path: maildir)
        #expect(!sink.needsEnvelopeFrom)
        for message in FixtureMessage.samples {
            try Feed.deliver(message, to: sink, piecing: piecing, receivedHeader: sampleReceivedHeader)
        }
        try sink.syncCommitted()
        try sink.close()

        let files = Self.delivered(maildir)
        try #require(files.count == FixtureMessage.samples.count)
        for (file, message) in zip(files, FixtureMessage.samples) {
            let received = sampleReceivedHeader.flatMap { bytes($0 + "\n") }
            #expect(file.bytes == received + message.expectedBody(), "\(message)")
            #expect(file.name.wholeMatch(of: #/[0-9]+\.M[0-9]{6}P[0-9]+Q[0-9]+\..+/#) != nil, "\(file.name)")
            #expect(file.name.hasSuffix("P\(getpid())Q\(Self.sequence(file.name)).\(Self.host)"))
            #expect(fileMode(maildir + "/new/" + file.name) == 0o600)
        }
        #expect(listDirectory(maildir + "/tmp").isEmpty)
        #expect(listDirectory(maildir + "/cur").isEmpty)
    }

    @Test func hostNamesAreEscapedAsMpopDoes() {
        #expect(UniqueFileName.escape("a/b:c\\d.example") == "a_057_b_072_c_134_d.example")
        #expect(!Self.host.isEmpty)
    }

    @Test func abortLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let sink = try MaildirSink(path: maildir)
        let writer = try sink.begin(envelopeFrom: nil, receivedHeader: nil)
        try Feed.lines(FixtureMessage.samples[1], piecing: .engineChunks) { try writer.append($0, endsLine: $1) }
        #expect(listDirectory(maildir + "/tmp").count == 1)
        writer.abort()
        #expect(listDirectory(maildir + "/tmp").isEmpty)
        #expect(listDirectory(maildir + "/new").isEmpty)
        try Feed.deliver(FixtureMessage("next", "next\n"), to: sink)
        try sink.syncCommitted()
        #expect(Self.delivered(maildir).map(\.bytes) == [bytes("next\n")])
    }

    @Test func aMissingDirectoryIsReportedAsMpopDoes() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.url("nothing")
        let error = #expect(throws: DeliveryError.self) { try MaildirSink(path: missing) }
        #expect(error?.explanation == "cannot change to \(missing): No such file or directory")
        #expect(error?.exitStatus == .ioError)

        let file = try dir.write("file", "not a maildir")
        let notDirectory = #expect(throws: DeliveryError.self) { try MaildirSink(path: file) }
        #expect(notDirectory?.explanation == "cannot change to \(file): Not a directory")
    }

    /// Root ignores permission bits, so an unwritable maildir is simulated
    /// by a missing `tmp/`.
    @Test func aMaildirWithoutTmpCannotTakeMail() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeDirectory("Mail")
        _ = try dir.makeDirectory("Mail/new")
        let sink = try MaildirSink(path: maildir)
        let error = #expect(throws: DeliveryError.self) { try sink.begin(envelopeFrom: nil, receivedHeader: nil) }
        let explanation = try #require(error?.explanation)
        #expect(explanation.wholeMatch(of: #/cannot create (.+)/tmp/([^/]+): No such file or directory/#)
                    .map { $0.1 == maildir && $0.2.hasSuffix(".\(Self.host)") } == true, "\(explanation)")
    }

    @Test func aMaildirWithoutNewIsALinkError() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeDirectory("Mail")
        _ = try dir.makeDirectory("Mail/tmp")
        let sink = try MaildirSink(path: maildir)
        let error = #expect(throws: DeliveryError.self) { try Feed.deliver(FixtureMessage("m", "m\n"), to: sink) }
        let explanation = try #require(error?.explanation)
        let match = try #require(explanation.wholeMatch(
            of: #/(.+): cannot link tmp/([^/]+) to new/([^/]+): No such file or directory/#), "\(explanation)")
        #expect(match.1 == maildir && match.2 == match.3)
        #expect(listDirectory(maildir + "/tmp").isEmpty)
    }

    @Test(arguments: [EPERM, EXDEV, ENOTSUP])
    func renamesWhereHardLinksAreRefused(refusal: Int32) throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let faults = FaultyCalls()
        faults.linkErrno = refusal
        let sink = try MaildirSink(path: maildir, calls: faults.calls)
        try Feed.deliver(FixtureMessage.samples[0], to: sink)
        try sink.syncCommitted()
        #expect(Self.delivered(maildir).map(\.bytes) == [FixtureMessage.samples[0].expectedBody()])
        #expect(listDirectory(maildir + "/tmp").isEmpty)
    }

    /// The link into `new/` comes after the batch's files are synced, so
    /// its other errors fail the batch.
    @Test func otherLinkErrorsFailTheBatch() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let faults = FaultyCalls()
        faults.linkErrno = EEXIST
        let sink = try MaildirSink(path: maildir, calls: faults.calls)
        try Feed.deliver(FixtureMessage("m", "m\n"), to: sink)
        try Feed.deliver(FixtureMessage("n", "n\n"), to: sink)
        #expect(listDirectory(maildir + "/new").isEmpty, "nothing in new/ before the sync")
        let error = #expect(throws: DeliveryError.self) { try sink.syncCommitted() }
        #expect(error?.explanation.hasSuffix(": File exists") == true)
        #expect(listDirectory(maildir + "/tmp").isEmpty)
        #expect(listDirectory(maildir + "/new").isEmpty)
    }

    @Test func aWriteErrorRemovesTheTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let faults = FaultyCalls()
        faults.writeLimit = 10_000
        let sink = try MaildirSink(path: maildir, calls: faults.calls)
        let error = #expect(throws: DeliveryError.self) {
            try Feed.deliver(FixtureMessage.samples[1], to: sink, piecing: .engineChunks)
        }
        #expect(error == .writeFailed(errno: ENOSPC))
        #expect(listDirectory(maildir + "/tmp").isEmpty)
        #expect(listDirectory(maildir + "/new").isEmpty)
    }

    @Test func oneSyncPassPerBatch() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let faults = FaultyCalls()
        let sink = try MaildirSink(path: maildir, calls: faults.calls)
        for index in 0..<10 {
            try Feed.deliver(FixtureMessage("m", "message \(index)\n"), to: sink)
        }
        #expect(faults.fsyncCalls == 0)
        try sink.syncCommitted()
        // Ten files, then new/ and tmp/.
        #expect(faults.fsyncCalls == 12)
        try sink.syncCommitted()
        #expect(faults.fsyncCalls == 12)
        #expect(Self.delivered(maildir).count == 10)
    }

    @Test func longBatchesKeepFewFilesOpen() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let faults = FaultyCalls()
        let sink = try MaildirSink(path: maildir, calls: faults.calls)
        let count = CommittedFiles.openLimit * 2 + 5
        for index in 0..<count {
            try Feed.deliver(FixtureMessage("m", "message \(index)\n"), to: sink)
        }
        let unique = URL(fileURLWithPath: dir.path).lastPathComponent
        let openFiles = listDirectory("/proc/self/fd").filter { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd))?
                .contains(unique + "/Mail/") == true
        }
        #expect(openFiles.count <= CommittedFiles.openLimit)
        #expect(openFiles.count > 0)
        try sink.syncCommitted()
        #expect(faults.fsyncCalls == count + 2)
        #expect(Self.delivered(maildir).count == count)
    }

    @Test func aFailedSyncRemovesTheBatch() throws {
        let dir = try TemporaryDirectory()
        let maildir = try dir.makeMaildir("Mail")
        let faults = FaultyCalls()
        let sink = try MaildirSink(path: maildir, calls: faults.calls)
        try Feed.deliver(FixtureMessage("first", "first\n"), to: sink)
        try sink.syncCommitted()
        try Feed.deliver(FixtureMessage("second", "second\n"), to: sink)
        try Feed.deliver(FixtureMessage("third", "third\n"), to: sink)
        faults.fsyncErrno = EIO
        let error = #expect(throws: DeliveryError.self) { try sink.syncCommitted() }
        let explanation = try #require(error?.explanation)
        #expect(explanation.wholeMatch(of: #/cannot sync .+/new/.+: Input\/output error/#) != nil, "\(explanation)")
        // Not durable, so not counted: they will be fetched again, and must
        // not be there twice then.
        #expect(Self.delivered(maildir).map(\.bytes) == [bytes("first\n")])
    }
}
