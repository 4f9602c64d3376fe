import Foundation
import Testing
import TestSupport

/// A delivery that fails leaves the mail on the server: the session ends
/// without QUIT, so dovecot deletes nothing; ours exits as the reference.
@Suite struct FailingDeliveryTests {
    static let messages = (1...3).map { SampleMessage.make(index: $0, size: 2_000) }

    /// Runs both sides with `extra`, checks the statuses and stderr agree and
    /// that nothing left either server; returns our result.
    @discardableResult
    func expectSameFailure(_ pair: SideBySide, status: Int32,
                           launchers: (ours: [String], theirs: [String]) = ([], [])) throws -> RunResult {
        let ours = try pair.ours.run(["-q", "test"], launcher: launchers.ours)
        let theirs = try pair.theirs.run(["-q", "test"], launcher: launchers.theirs)
        #expect(ours.status == status, "\(ours)")
        #expect(theirs.status == status, "\(theirs)")
        #expect(normalized(ours.stderr, pair.ours) == normalized(theirs.stderr, pair.theirs))
        #expect(pair.ours.mailbox.messages.count == pair.sent.count)
        #expect(pair.theirs.mailbox.messages.count == pair.sent.count)
        return ours
    }

    /// Blanks the home directory and maildir file names, which differ.
    func normalized(_ text: String, _ side: SideBySide.Side) -> String {
        text.replacingOccurrences(of: side.home.path, with: "HOME")
            .replacingOccurrences(of: #"[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\.[^/: ]+"#, with: "NAME",
                                  options: .regularExpression)
    }

    @Test func anMDAThatExits75KeepsTheMailOnTheServer() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        for side in [pair.ours, pair.theirs] {
            let script = try side.home.write("mda.sh", "cat >/dev/null\nexit 75\n", mode: 0o755)
            try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile,
                               extra: "delivery mda /bin/sh \(script)")
        }
        let ours = try expectSameFailure(pair, status: 74)
        #expect(ours.stderr.contains("returned exit status 75 (EX_TEMPFAIL: temporary failure)"), "\(ours)")
        // Once the MDA works again, everything arrives once.
        try pair.ours.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile)
        #expect(try pair.ours.run(["-q", "test"]).status == 0)
        #expect(pair.ours.deliveredMessages.count == Self.messages.count)
        #expect(pair.ours.mailbox.messages.isEmpty)
    }

    /// MDAs that exit 0 without taking the whole message: one that keeps
    /// 1,000 bytes, one that delivers nothing, one that keeps the header.
    /// `DIR` becomes a directory for what they write.
    static let mdasThatDoNotReadEverything = [
        "/bin/sh -c 'head -c 1000 > DIR/$$'",
        "/bin/sh -c true",
        "/bin/sh -c 'sed \"/^$/q\" > DIR/$$'",
    ]

    /// Much more than a pipe holds, so that the reference's write meets
    /// EPIPE too (with a small message it depends on timing, for both).
    static let bigMessages = (1...3).map { SampleMessage.make(index: $0, size: 200_000) }

    /// An MDA that did not take the whole message has not delivered it,
    /// whatever it exits with: mpop's write fails with EPIPE, it says so and
    /// keeps the mail; so must ours. Then a working MDA gets every message
    /// exactly once.
    @Test(arguments: mdasThatDoNotReadEverything)
    func anMDAThatDoesNotReadTheWholeMessageKeepsTheMailOnTheServer(mda: String) throws {
        let pair = try SideBySide(messages: Self.bigMessages)
        defer { pair.stop() }
        for side in [pair.ours, pair.theirs] {
            let partial = try side.home.makeDirectory("partial")
            try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile,
                               extra: "delivery mda " + mda.replacingOccurrences(of: "DIR", with: partial))
        }
        let ours = try expectSameFailure(pair, status: 74)
        #expect(ours.stderr == "mpop: cannot write mail: output error\n"
                    + "mpop: error during mail retrieval (account test from \(pair.ours.home.path)/.mpoprc)\n")
        // Each stopped at the first message: what the MDA wrote stays, as
        // with mpop, but no message left the server.
        func partial(_ side: SideBySide.Side) -> [String] {
            (try? FileManager.default.contentsOfDirectory(atPath: side.home.url("partial"))) ?? []
        }
        #expect(partial(pair.ours).count == partial(pair.theirs).count)
        #expect(partial(pair.ours).count == (mda.contains("true") ? 0 : 1))

        for side in [pair.ours, pair.theirs] {
            try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile,
                               extra: "delivery mda /bin/sh -c 'cat > \(side.maildir)/new/$$'")
            let run = try side.run(["-q", "test"])
            #expect(run.status == 0 && run.stderr.isEmpty, "\(side.binary): \(run)")
            #expect(side.mailbox.messages.isEmpty)
        }
        let delivered = pair.ours.deliveredMessages
        #expect(delivered.count == Self.bigMessages.count)
        let sameAsTheirs = delivered == pair.theirs.deliveredMessages
        #expect(sameAsTheirs, "ours and the reference delivered different bytes")
    }

    @Test func aMaildirWithoutTmpKeepsTheMailOnTheServer() throws {
        let pair = try SideBySide(messages: Self.messages)
        defer { pair.stop() }
        try pair.configureBoth()
        for side in [pair.ours, pair.theirs] {
            try FileManager.default.removeItem(atPath: side.maildir + "/tmp")
        }
        let ours = try expectSameFailure(pair, status: 74)
        #expect(ours.stderr.contains("/tmp/"), "\(ours)")
        #expect(pair.ours.deliveredMessages.isEmpty)
    }

    /// A full file system under the mbox: the first message does not fit.
    /// Our mbox must be exactly as before (the reference's is not). Each
    /// run has a 64 KB tmpfs of its own, in a private mount namespace that
    /// the mbox is copied out of afterwards.
    @Test(.enabled(if: PrivateNamespaces.mount != nil,
                   "unshare cannot make a private mount namespace here: needs root, or unprivileged user namespaces"))
    func anMboxOnAFullFileSystemIsLeftAsItWas() throws {
        let unshare = try #require(PrivateNamespaces.mount)
        let messages = [SampleMessage.make(index: 1, size: 100_000)] + Self.messages.dropFirst()
        let pair = try SideBySide(messages: messages)
        defer { pair.stop() }
        let before = "From someone@example.org Sat Jan  1 00:00:00 2000\nSubject: old\n\n"
            + String(repeating: "old mail line\n", count: 700) + "\n"
        var launchers: [[String]] = []
        for side in [pair.ours, pair.theirs] {
            let point = try side.home.makeDirectory("full", mode: 0o755)
            let seed = try side.home.write("mbox.before", before)
            let script = try side.home.write("full.sh", """
                point="$1" seed="$2" after="$3"; shift 3
                mount -t tmpfs -o size=64k tmpfs "$point" || { echo "cannot mount a 64 KB tmpfs" >&2; exit 99; }
                cp "$seed" "$point/mbox"
                "$@"
                status=$?
                cp "$point/mbox" "$after"
                exit $status

                """)
            launchers.append(["/usr/bin/unshare"] + unshare + ["/bin/sh", script, point, seed, side.home.url("mbox.after")])
            try side.configure(port: pair.dovecot.port, ca: pair.dovecot.ca.certificateFile,
                               extra: "delivery mbox \(point)/mbox")
        }
        let ours = try expectSameFailure(pair, status: 74, launchers: (launchers[0], launchers[1]))
        #expect(ours.stderr.hasPrefix("mpop: cannot write mail: output error\n"), "\(ours)")
        let after = { (side: SideBySide.Side) in
            FileManager.default.contents(atPath: side.home.url("mbox.after")).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(after(pair.ours) == before, "our mbox changed")
        // mpop 1.4.18 leaves the part that fitted (the mbox grows to fill
        // the file system): a torn message. Ours truncates back
        // (Docs/Compatibility.md).
        let theirs = try #require(after(pair.theirs))
        #expect(theirs != before)
    }
}
