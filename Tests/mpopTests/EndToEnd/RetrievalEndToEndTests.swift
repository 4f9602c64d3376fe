import Foundation
import Testing
import TestSupport

/// The main job against the harness's dovecot: ours and the reference fetch
/// the same messages, and deliver the same bytes.
@Suite struct RetrievalEndToEndTests {
    static let messages: [Data] = [
        SampleMessage.make(index: 1, size: 400),
        Data("Return-Path: <a@example.org>\nSubject: tricky\n\nFrom the start\n>From quoted\n.dot line\n..two dots\n\u{e9}8-bit caf\u{e9}\nno final newline".utf8),
        Data(("Subject: long line\n\n" + String(repeating: "x", count: 70_000) + "\nend\n").utf8),
        SampleMessage.make(index: 4, size: 20_000),
    ]

    @Test func maildirDeliveryMatchesTheReference() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth()
        let ours = try pair.ours.run(["-q", "test"])
        let theirs = try pair.theirs.run(["-q", "test"])
        #expect(ours.status == 0, "\(ours)")
        #expect(theirs.status == 0, "\(theirs)")
        #expect(pair.ours.deliveredMessages.count == Self.messages.count)
        #expect(pair.ours.deliveredMessages == pair.theirs.deliveredMessages)
        // keep is off: the server's mailbox is empty now.
        #expect(pair.ours.mailbox.messages.isEmpty)
    }

    @Test func statusLinesMatchTheReference() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth(extra: "keep on")
        for arguments in [["-Q", "test"], ["-s", "test"]] {
            let ours = try pair.ours.run(arguments)
            let theirs = try pair.theirs.run(arguments)
            #expect(ours.status == theirs.status)
            #expect(ours.stdout.replacingOccurrences(of: "ours at", with: "USER at")
                    == theirs.stdout.replacingOccurrences(of: "theirs at", with: "USER at"))
        }
    }

    @Test func mboxDeliveryMatchesTheReference() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth(extra: "delivery mbox ~/mbox")
        #expect(try pair.ours.run(["-q", "test"]).status == 0)
        #expect(try pair.theirs.run(["-q", "test"]).status == 0)
        func mbox(_ side: SideBySide.Side) throws -> String {
            let text = try String(contentsOfFile: side.home.url("mbox"), encoding: .isoLatin1)
            return SideBySide.normalized(text.replacingOccurrences(
                of: #"(?m)^From (\S+) .*$"#, with: "From $1 DATE", options: .regularExpression))
        }
        #expect(try mbox(pair.ours) == mbox(pair.theirs))
    }

    @Test func secondRunFetchesNothingAndKeepRemembers() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth(extra: "keep on")
        #expect(try pair.ours.run(["-q", "test"]).status == 0)
        #expect(pair.ours.deliveredMessages.count == Self.messages.count)
        #expect(pair.ours.mailbox.messages.count == Self.messages.count)
        let again = try pair.ours.run(["test"])
        #expect(again.status == 0)
        #expect(again.stdout == "ours at 127.0.0.1:\nnew: no messages, total: 4 messages in \(try sizeText(pair))\n")
        #expect(pair.ours.deliveredMessages.count == Self.messages.count)
    }

    /// Ours writes the UIDLs file, the reference reads it, and the other way round.
    @Test func uidlsFilesAreInterchangeable() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth(extra: "keep on")
        // Ours fetches, then the reference sees nothing new in ours' state.
        #expect(try pair.ours.run(["-q", "test"]).status == 0)
        let referenceAfterOurs = try MpopBinary.reference.run(["-s", "test"], home: pair.ours.home.path)
        #expect(referenceAfterOurs.stdout.contains("new: no messages"), "\(referenceAfterOurs)")
        // The reference fetches, then ours sees nothing new in its state.
        #expect(try pair.theirs.run(["-q", "test"]).status == 0)
        let oursAfterReference = try MpopBinary.ours.run(["-s", "test"], home: pair.theirs.home.path)
        #expect(oursAfterReference.stdout.contains("new: no messages"), "\(oursAfterReference)")
    }

    @Test func wrongPasswordExits77LikeTheReference() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth(extra: "passwordeval echo wrong")
        let ours = try pair.ours.run(["test"])
        let theirs = try pair.theirs.run(["test"])
        #expect(ours.status == 77)
        #expect(ours.status == theirs.status)
        // Ours also passes on the server's words after a failed SASL
        // exchange, where mpop 1.4.18 drops them (Docs/Compatibility.md).
        let ourLines = ours.stderr.replacingOccurrences(of: pair.ours.home.path, with: "HOME")
            .split(separator: "\n").filter { !$0.hasPrefix("mpop: POP3 server message:") }
        let theirLines = theirs.stderr.replacingOccurrences(of: pair.theirs.home.path, with: "HOME")
            .split(separator: "\n")
        #expect(ourLines == theirLines)
        #expect(ours.stderr.contains("mpop: POP3 server message: -ERR [AUTH] Authentication failed."))
        #expect(pair.ours.mailbox.messages.count == Self.messages.count)
    }

    private func sizeText(_ pair: SideBySide) throws -> String {
        let theirs = try pair.theirs.run(["-s", "test"])
        let line = theirs.stdout.split(separator: "\n")[1]
        return String(line.split(separator: "in ").last ?? "")
    }
}
