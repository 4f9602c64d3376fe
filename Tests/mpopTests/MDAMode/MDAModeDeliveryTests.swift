import Foundation
import Testing
import TestSupport

/// `mpop --mda --delivery=METHOD,ARG [ENVELOPE-FROM]` delivers one mail
/// from stdin exactly as mpop 1.4.23 does, with every delivery method:
/// the same bytes (no Received header; LF, or CRLF for Exchange; MBOXRD
/// quoting and a `From ` line with the given sender or MAILER-DAEMON for
/// mbox), the same `%F`, output and exit status. Each case runs ours and
/// the built 1.4.23 side by side (`build-upstream-mpop .build/upstream-mpop`).
@Suite struct MDAModeDeliveryTests {
    /// Mails as they come on stdin.
    static let mails: [(name: String, bytes: [UInt8])] = [
        ("CRLF", Array("Subject: a\r\n\r\nFrom me\r\n>From x\r\nlast\r\n".utf8)),
        ("LF without a final newline", Array("From: x@y\nSubject: b\n\nFrom the start\n>>From y\n.\n..dot\nlast".utf8)),
        ("empty", []),
        ("only blank lines", Array("\n\r\n\n".utf8)),
        ("lone CRs, NUL, CRCRLF", Array("X: a\rb\n\nc\0d\r\r\nFrom \r\n>From\n\n\n".utf8)),
        ("a From_ line of its own", Array("From sender@example.org Thu Jan  1 00:00:00 1970\nSubject: c\n\nbody\n".utf8)),
        ("long lines", Array(("Subject: long\n\n" + "From " + String(repeating: "f", count: 20_000) + "\n"
                              + ">>From " + String(repeating: "g", count: 100_000) + "\r\n"
                              + String(repeating: "h", count: 8190) + "\r\n" + "end").utf8)),
    ]

    static let senders: [[String]] = [[], ["sender@example.org"], [""]]

    static func input(_ index: Int, in directory: TemporaryDirectory) throws -> String {
        try directory.write("mail\(index)", Data(mails[index].bytes))
    }

    @Test(arguments: 0..<mails.count)
    func maildirAndExchange(_ index: Int) throws {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-in")
        let stdin = try Self.input(index, in: inputs)
        for sender in [[], ["sender@example.org"]] {
            let maildir = try MDARun.expectSame(["--mda", "--delivery=maildir,md"] + sender, stdin: stdin)
            #expect(maildir.maildir.count == 1, "\(Self.mails[index].name): \(maildir)")
            let exchange = try MDARun.expectSame(["--mda", "--delivery=exchange,ex"] + sender, stdin: stdin)
            #expect(exchange.exchange.count == 1, "\(Self.mails[index].name): \(exchange)")
        }
    }

    @Test(arguments: 0..<mails.count)
    func mbox(_ index: Int) throws {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-in")
        let stdin = try Self.input(index, in: inputs)
        for sender in Self.senders {
            let run = try MDARun.expectSame(["--mda", "--delivery=mbox,mb"] + sender, stdin: stdin)
            let expectedStart = "From " + (sender.first ?? "MAILER-DAEMON") + " DATE\n"
            #expect(run.mbox?.starts(with: Data(expectedStart.utf8)) == true, "\(Self.mails[index].name): \(run)")
            // Appended to what was there, never taken from the mail.
            try MDARun.expectSame(["--mda", "--delivery=mbox,mb"] + sender, stdin: stdin,
                                  mbox: Data("From old Thu Jan  1 00:00:00 1970\nold\n\n".utf8))
        }
    }

    /// An agent gets the mail with LF endings; `%F` is the argument as it
    /// is, or MAILER-DAEMON.
    @Test(arguments: 0..<mails.count)
    func deliveryAgent(_ index: Int) throws {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-in")
        let stdin = try Self.input(index, in: inputs)
        for sender in Self.senders + [["a b; echo c"]] {
            let run = try MDARun.expectSame(["--mda", #"--delivery=mda,od -c; echo "[%F]""#] + sender, stdin: stdin)
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.hasSuffix("[\(sender.first ?? "MAILER-DAEMON")]\n"), "\(run)")
        }
    }

    /// A leading `~/` of a maildir, mbox or pickup directory is the home
    /// directory; `--` ends the options before a sender that looks like one.
    @Test func tildeAndDoubleDash() throws {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-in")
        let stdin = try Self.input(0, in: inputs)
        try MDARun.expectSame(["--mda", "--delivery=mbox,~/mb", "--", "-f"], stdin: stdin)
        let run = try MDARun.expectSame(["--mda", "--delivery=maildir,~/md"], stdin: stdin)
        #expect(run.maildir.count == 1)
    }
}
