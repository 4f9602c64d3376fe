import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct MDASinkTests {
    @Test(arguments: Piecing.allCases)
    func pipesTheReceivedHeaderAndEachMessageIntoTheCommand(piecing: Piecing) throws {
        let dir = try TemporaryDirectory()
        let out = dir.url("out")
        let sink = MDASink(command: "cat >> '\(out)'")
        #expect(!sink.needsEnvelopeFrom)
        for message in FixtureMessage.samples {
            try Feed.deliver(message, to: sink, piecing: piecing, receivedHeader: sampleReceivedHeader)
        }
        try sink.syncCommitted()
        try sink.close()
        let expected = FixtureMessage.samples.flatMap {
            sampleReceivedHeader.flatMap { bytes($0 + "\n") } + $0.expectedBody()
        }
        #expect(readFile(out) == expected)
    }

    @Test func percentFIsTheEnvelopeSenderAndPercentSStays() throws {
        let dir = try TemporaryDirectory()
        let out = dir.url("out")
        let sink = MDASink(command: "printf '%s %s\\n' %F %S > '\(out)'; cat >/dev/null")
        #expect(sink.needsEnvelopeFrom)
        try Feed.deliver(FixtureMessage("m", "m\n"), to: sink, envelopeFrom: "bounce@example.org")
        #expect(readFile(out) == bytes("bounce@example.org %S\n"))
        try Feed.deliver(FixtureMessage("m", "m\n"), to: sink, envelopeFrom: nil)
        #expect(readFile(out) == bytes("MAILER-DAEMON %S\n"))
    }

    static func failure(of command: String, message: FixtureMessage = FixtureMessage("m", "m\n")) -> DeliveryError? {
        let sink = MDASink(command: command)
        return #expect(throws: DeliveryError.self) { try Feed.deliver(message, to: sink) }
    }

    @Test func sysexitsCodesAreNamed() {
        let error = Self.failure(of: "cat >/dev/null; exit 75")
        #expect(error?.explanation == "cat >/dev/null; exit 75 returned exit status 75 (EX_TEMPFAIL: temporary failure)")
        #expect(error?.exitStatus == .ioError)
        #expect(Self.failure(of: "cat >/dev/null; exit 67")?.explanation
                    == "cat >/dev/null; exit 67 returned exit status 67 (EX_NOUSER: addressee unknown)")
    }

    @Test func otherCodesAreNumbersOnly() {
        #expect(Self.failure(of: "cat >/dev/null; exit 3")?.explanation == "cat >/dev/null; exit 3 returned exit status 3")
        #expect(Self.failure(of: "cat >/dev/null; exit 1")?.explanation == "cat >/dev/null; exit 1 returned exit status 1")
    }

    @Test func theMessageNamesTheConfiguredCommand() {
        let sink = MDASink(command: "cat >/dev/null; test %F = x || exit 5")
        let error = #expect(throws: DeliveryError.self) {
            try Feed.deliver(FixtureMessage("m", "m\n"), to: sink, envelopeFrom: "y")
        }
        #expect(error?.explanation == "cat >/dev/null; test %F = x || exit 5 returned exit status 5")
    }

    @Test func deathBySignalIsAFailureToExecute() {
        #expect(Self.failure(of: "cat >/dev/null; kill -9 $$")?.explanation == "cat >/dev/null; kill -9 $$ failed to execute")
    }

    /// Far more than a pipe holds, so that a command that stops reading
    /// makes a write meet EPIPE.
    static let huge = FixtureMessage("2 MB", "Subject: big\n\n" + String(repeating: "a line of mail\n", count: 140_000))

    /// mpop's words for a write that met EPIPE, whatever the command exits with.
    static let outputError = "cannot write mail: output error"

    @Test func aCommandThatExitsZeroWithoutReadingHasNotDelivered() {
        for command in ["exit 0", "head -c 1000 >/dev/null", "sed '/^$/q' >/dev/null"] {
            let error = Self.failure(of: command, message: Self.huge)
            #expect(error == .writeFailed(errno: EPIPE), "\(command)")
            #expect(error?.explanation == Self.outputError)
            #expect(error?.exitStatus == .ioError)
        }
    }

    /// With SIGPIPE at its default action, a write to an agent that is gone
    /// must not kill mpop (or this test runner).
    @Test func anAgentThatIsGoneDoesNotKillUs() {
        signal(SIGPIPE, SIG_DFL)
        for _ in 0..<3 {
            #expect(Self.failure(of: "exec 0<&-; sleep 0.1", message: Self.huge)?.explanation == Self.outputError)
        }
    }

    @Test func aCommandThatStopsReadingAndFailsIsAnOutputErrorAsWithMpop() {
        #expect(Self.failure(of: "exit 75", message: Self.huge)?.explanation == Self.outputError)
        #expect(Self.failure(of: "head -c 10 >/dev/null; kill -9 $$", message: Self.huge)?.explanation
                    == Self.outputError)
    }

    /// An agent that closed its input but goes on running is stopped and
    /// reaped at once: no zombie, and no wait for it to finish.
    @Test func anAgentThatStopsReadingIsReaped() throws {
        let dir = try TemporaryDirectory()
        let pidFile = dir.url("pid")
        let started = ContinuousClock.now
        let error = Self.failure(of: "echo $$ > '\(pidFile)'; exec 0<&-; sleep 30", message: Self.huge)
        #expect(error?.explanation == Self.outputError)
        #expect(ContinuousClock.now - started < .seconds(10))
        let pid = try #require(pid_t(String(decoding: readFile(pidFile), as: UTF8.self)
                                        .trimmingCharacters(in: .whitespacesAndNewlines)))
        // A zombie still answers kill(pid, 0); a reaped process does not.
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func abortKillsTheCommandBeforeItSeesTheEnd() throws {
        let dir = try TemporaryDirectory()
        let partial = dir.url("partial"), delivered = dir.url("delivered")
        let sink = MDASink(command: "cat > '\(partial)' && mv '\(partial)' '\(delivered)'")
        let writer = try sink.begin(envelopeFrom: nil, receivedHeader: nil)
        try Feed.lines(FixtureMessage.samples[1], piecing: .engineChunks) { try writer.append($0, endsLine: $1) }
        writer.abort()
        #expect(!FileManager.default.fileExists(atPath: delivered))
    }

    @Test func theCommandStartsWithDefaultSignalsAndAnEmptyMask() throws {
        let dir = try TemporaryDirectory()
        let out = dir.url("status")
        // Whatever mpop ignores or blocks must not reach the agent (dash
        // blocks everything while it waits, so grep looks at itself).
        signal(SIGUSR2, SIG_IGN)
        var usr1 = sigset_t()
        sigemptyset(&usr1)
        sigaddset(&usr1, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &usr1, nil)
        defer { pthread_sigmask(SIG_UNBLOCK, &usr1, nil) }
        let sink = MDASink(command: "cat >/dev/null; grep -E '^Sig(Blk|Ign):' /proc/self/status > '\(out)'")
        try Feed.deliver(FixtureMessage("m", "m\n"), to: sink)
        let masks = String(decoding: readFile(out), as: UTF8.self).split(separator: "\n").map {
            UInt64($0.split(separator: "\t").last ?? "", radix: 16)
        }
        // Signals 32 and 33 are glibc's own (thread cancellation, setxid),
        // which its posix_spawn sets to SIG_IGN; every program resets them.
        #expect(masks.count == 2 && masks.allSatisfy { $0.map { $0 & 0x7fff_ffff } == 0 }, "\(masks)")
    }

    @Test func theCommandDoesNotInheritOurDescriptors() throws {
        let dir = try TemporaryDirectory()
        let out = dir.url("fds")
        let sink = MDASink(command: "cat >/dev/null; ls /proc/self/fd > '\(out)'")
        // An open mbox, as during a real session.
        let mbox = try MboxSink(path: dir.url("mbox"))
        defer { try? mbox.close() }
        try Feed.deliver(FixtureMessage("m", "m\n"), to: sink)
        let fds = String(decoding: readFile(out), as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(Set(fds).isSubset(of: [0, 1, 2, 3]), "\(fds)")
    }
}
