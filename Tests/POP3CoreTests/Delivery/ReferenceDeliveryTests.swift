import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// Debian's mpop 1.4.18 fetches each sample message from mpopd into every
/// kind of mailbox; our sinks, fed the same message as the engine will feed
/// it, must store the same bytes (apart from the date of the mbox From_ line).
@Suite struct ReferenceDeliveryTests {
    enum Method: CaseIterable, CustomStringConvertible {
        case mbox, maildir, exchange, mda

        var description: String {
            switch self {
            case .mbox: return "mbox"
            case .maildir: return "maildir"
            case .exchange: return "exchange"
            case .mda: return "mda"
            }
        }
    }

    struct Mailboxes {
        let home: TemporaryDirectory
        let mbox: String
        let maildir: String
        let pickup: String
        let mdaOutput: String

        init() throws {
            home = try TemporaryDirectory(prefix: "mpop-delivery")
            mbox = home.url("mbox")
            maildir = try home.makeMaildir("Mail")
            pickup = try home.makeDirectory("Pickup")
            mdaOutput = home.url("mda")
        }

        func delivery(_ method: Method) -> String {
            switch method {
            case .mbox: return "mbox,\(mbox)"
            case .maildir: return "maildir,\(maildir)"
            case .exchange: return "exchange,\(pickup)"
            case .mda: return "mda,cat >> \(mdaOutput)"
            }
        }

        /// What one delivery left: the mbox or MDA output, or the one file.
        func contents(_ method: Method) throws -> [UInt8] {
            switch method {
            case .mbox: return readFile(mbox)
            case .mda: return readFile(mdaOutput)
            case .maildir:
                let names = listDirectory(maildir + "/new")
                try #require(names.count == 1)
                return readFile(maildir + "/new/" + names[0])
            case .exchange:
                let names = listDirectory(pickup)
                try #require(names.count == 1)
                return readFile(pickup + "/" + names[0])
            }
        }

        func sink(_ method: Method) throws -> any MessageSink {
            switch method {
            case .mbox: return try makeSink(for: .mbox(mbox))
            case .maildir: return try makeSink(for: .maildir(maildir))
            case .exchange: return try makeSink(for: .exchange(pickup))
            case .mda: return try makeSink(for: .mda("cat >> \(mdaOutput)"))
            }
        }
    }

    /// The mbox From_ line without its date: `From <envelope>`.
    static func withoutDate(_ mbox: [UInt8]) -> ([UInt8], envelope: String?) {
        guard let end = mbox.firstIndex(of: UInt8(ascii: "\n")) else { return (mbox, nil) }
        let fields = mbox[..<end].split(separator: UInt8(ascii: " "))
        guard fields.count > 2, fields[0].elementsEqual(bytes("From")) else { return (mbox, nil) }
        let envelope = String(decoding: fields[1], as: UTF8.self)
        return (bytes("From \(envelope)") + mbox[end...], envelope)
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let index = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        return "sizes \(a.count) and \(b.count), first difference at byte \(index): "
            + "\(String(decoding: a[index...].prefix(40), as: UTF8.self).debugDescription) vs "
            + "\(String(decoding: b[index...].prefix(40), as: UTF8.self).debugDescription)"
    }

    @Test(arguments: FixtureMessage.samples)
    func oursStoresWhatMpopStores(message: FixtureMessage) throws {
        let server = try MpopdServer()
        defer { server.stop() }
        try server.mailbox.put(Data(message.raw), name: "1700000000.M1P1.test")
        let theirs = try Mailboxes(), ours = try Mailboxes()

        for method in Method.allCases {
            let run = try MpopBinary.reference.run(
                ["-q", "--host=127.0.0.1", "--port=\(server.port)", "--auth=user", "--user=\(server.user)",
                 "--passwordeval=echo \(server.password)", "--received-header=off", "--keep=on", "--only-new=off",
                 "--delivery=\(theirs.delivery(method))"],
                home: theirs.home.path)
            try #require(run.status == 0, "\(method): \(run)")
            var expected = try theirs.contents(method)
            var envelope: String?
            if method == .mbox {
                (expected, envelope) = Self.withoutDate(expected)
                try #require(envelope != nil, "no From_ line in \(expected)")
            }

            let sink = try ours.sink(method)
            try Feed.deliver(message, to: sink, piecing: .engineChunks,
                             envelopeFrom: sink.needsEnvelopeFrom ? envelope : nil, receivedHeader: nil)
            try sink.syncCommitted()
            try sink.close()
            var actual = try ours.contents(method)
            if method == .mbox {
                actual = Self.withoutDate(actual).0
            }
            let same = actual == expected
            #expect(same, "\(method): \(Self.firstDifference(actual, expected))")
        }
    }
}
