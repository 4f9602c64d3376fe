import Glibc
import Testing
@testable import mpop
import POP3Core

/// The pieces of a run that serves several accounts at once: the output in
/// configured order, the queue that keeps accounts sharing something apart,
/// and the exit status.
@Suite struct ConcurrentRunTests {
    /// What reached the streams, as `(fd, text)` pieces.
    final class Streams: Sendable {
        let pieces = Locked<[(Int32, String)]>([])
        var text: String { pieces.withLock { $0.map { "\($0.0):\($0.1)" }.joined() } }
        func write(_ bytes: UnsafeRawBufferPointer, _ fd: Int32) {
            let text = String(decoding: bytes, as: UTF8.self)
            pieces.withLock { $0.append((fd, text)) }
        }
    }

    @Test func outputComesInConfiguredOrderWhateverTheOrderOfWrites() {
        let streams = Streams()
        let output = OrderedOutput(count: 3, writeOut: { streams.write($0, $1) })
        let consoles = (0..<3).map(output.console(for:))
        consoles[2].out("c1 ")
        consoles[1].out("b1 ")
        consoles[2].err("c2 ")
        consoles[0].out("a1 ")
        consoles[2].out("c3 ")
        #expect(streams.text == "1:a1 ")
        #expect(output.isLive(0) && !output.isLive(1))
        output.finish(2)
        #expect(streams.text == "1:a1 ")
        consoles[1].err("b2 ")
        output.finish(0)
        // b's kept lines come out, and b is live from now on.
        #expect(streams.text == "1:a1 1:b1 2:b2 ")
        #expect(output.isLive(1))
        consoles[1].out("b3 ")
        output.finish(1)
        #expect(streams.text == "1:a1 1:b1 2:b2 1:b3 1:c1 2:c2 1:c3 ")
    }

    @Test func anAccountThatNeverRanDoesNotHoldUpTheOthers() {
        let streams = Streams()
        let output = OrderedOutput(count: 3, writeOut: { streams.write($0, $1) })
        output.console(for: 2).out("c ")
        output.finish(2)
        output.console(for: 0).out("a ")
        output.finish(0)
        #expect(streams.text == "1:a ")
        for index in 0..<3 { output.finish(index) }
        #expect(streams.text == "1:a 1:c ")
    }

    @Test func accountsSharingSomethingRunOneAfterAnotherInOrder() {
        let queue = AccountQueue(keys: [["uidls x", "login a"], ["uidls y", "login a"], ["uidls z", "login c"],
                                        ["uidls x", "login d"]])
        #expect(queue.next(stop: { false }) == 0)
        // 1 shares the login with 0, 3 the UIDLs file; 2 shares nothing.
        #expect(queue.next(stop: { false }) == 2)
        queue.finished(0)
        #expect(queue.next(stop: { false }) == 1)
        #expect(queue.next(stop: { false }) == 3)
        queue.finished(1)
        queue.finished(2)
        queue.finished(3)
        #expect(queue.next(stop: { false }) == nil)
    }

    @Test func anAccountNeverOvertakesAnEarlierOneItSharesWith() {
        // 2 shares nothing with the running 0, but shares the UIDLs file
        // with 1, which waits for 0: 2 waits too.
        let queue = AccountQueue(keys: [["login a"], ["login a", "uidls y"], ["uidls y"], ["uidls w"]])
        #expect(queue.next(stop: { false }) == 0)
        #expect(queue.next(stop: { false }) == 3)
        queue.finished(0)
        #expect(queue.next(stop: { false }) == 1)
        queue.finished(1)
        #expect(queue.next(stop: { false }) == 2)
    }

    @Test func noAccountButTheFirstStartsOnceTheRunIsStopped() {
        let queue = AccountQueue(keys: [["a"], ["b"]])
        #expect(queue.next(stop: { true }) == 0)
        #expect(queue.next(stop: { true }) == nil)
    }

    @Test func aWaitingWorkerGoesOnWhenTheAccountItWaitsForEnds() {
        let queue = AccountQueue(keys: [["a"], ["a"]])
        #expect(queue.next(stop: { false }) == 0)
        let got = Locked<Int?>(nil)
        let threads = WorkerThreads.start(1) { _ in
            let index = queue.next(stop: { false })
            got.withLock { $0 = index }
        }
        queue.finished(0)
        threads.join()
        #expect(got.withLock { $0 } == 1)
    }

    @Test func accountsStoppedByASignalCountAsOneFailure() {
        typealias Outcome = RetrievalMode.Outcome
        let ok = Outcome(failure: nil, stoppedBySignal: false)
        let aborted = Outcome(failure: .ioError, stoppedBySignal: true)
        let failed = Outcome(failure: .noPermission, stoppedBySignal: false)
        #expect(ConcurrentRetrieval.combined([ok, aborted, aborted, nil]) == .ioError)
        #expect(ConcurrentRetrieval.combined([failed, ok]) == .noPermission)
        #expect(ConcurrentRetrieval.combined([failed, aborted, aborted]) == .tempFail)
        #expect(ConcurrentRetrieval.combined([ok, ok, nil]) == .ok)
    }

    @Test func theRunTakesTheSmallestSettingOfItsAccounts() {
        var a = Account(), b = Account()
        #expect(RetrievalMode.simultaneousAccounts([a, b]) == 6)
        a.simultaneousAccounts = 9
        #expect(RetrievalMode.simultaneousAccounts([a, b]) == 9)
        b.simultaneousAccounts = 2
        #expect(RetrievalMode.simultaneousAccounts([a, b]) == 2)
    }

    @Test func twoSpellingsOfOneFileAreOneKey() throws {
        var template = Array("/tmp/mpop-keys-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let dir = try #require(made.map { String(cString: $0) })
        defer {
            unlink(dir + "/link")
            rmdir(dir + "/real")
            rmdir(dir)
        }
        #expect(mkdir(dir + "/real", 0o700) == 0)
        #expect(symlink(dir + "/real", dir + "/link") == 0)
        var one = Account(), two = Account()
        one.uidlsFile = dir + "/real/uidls"
        two.uidlsFile = dir + "/link/../real/uidls"
        one.delivery = .mbox(dir + "/real/mbox")
        two.delivery = .mbox(dir + "/link/mbox")
        one.host = "Pop.Example.org"
        two.host = "pop.example.org"
        #expect(ConflictKeys.keys(of: one) == ConflictKeys.keys(of: two))
        two.user = "other"
        #expect(ConflictKeys.keys(of: one) != ConflictKeys.keys(of: two))
    }
}
