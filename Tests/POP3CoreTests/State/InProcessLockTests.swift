import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// The UIDLs file and mbox locks between two opens in ONE process, as two
/// accounts of a run served side by side take them: open file description
/// locks exclude each other there (process `fcntl` locks would both be
/// granted), and closing another descriptor of the file leaves the lock.
@Suite struct InProcessLockTests {
    @Test func aSecondOpenOfTheUIDLsFileInThisProcessWaitsForTheFirst() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 h u\nx\n")
        let first = try UIDLsFile.open(path: path, lockTimeout: 1)
        do {
            _ = try UIDLsFile.open(path: path, lockTimeout: 1)
            Issue.record("two opens of one UIDLs file in one process both got the lock")
        } catch {
            #expect(error.explanation == "cannot lock \(path) (tried for 1 seconds): Resource temporarily unavailable")
        }
        first.close()
        let second = try UIDLsFile.open(path: path, lockTimeout: 1)
        #expect(second.uids(host: "h", user: "u") == ["x"])
        second.close()
    }

    @Test func closingAnotherDescriptorOfTheFileKeepsTheLock() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", "")
        let first = try UIDLsFile.open(path: path, lockTimeout: 1)
        defer { first.close() }
        // A process lock would be gone after this open and close.
        let other = open(path, O_RDONLY | O_CLOEXEC)
        #expect(other >= 0)
        close(other)
        #expect(try !LockContentionTests.otherProcessCanLock(path))
        #expect(throws: UIDLsError.self) { try UIDLsFile.open(path: path, lockTimeout: 1) }
    }

    /// A second account of the run that delivers into the same mbox waits
    /// (``InProcessFileGate``) until the first closes it, with no time
    /// limit: the holder is this process, and lets go when it is done.
    @Test func aSecondMboxSinkInThisProcessWaitsForTheFirst() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let first = try MboxSink(path: path, lockTimeout: 1, calls: .system)
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread {
            do {
                let sink = try MboxSink(path: path, lockTimeout: 1, calls: .system)
                outcome.set(sink: sink, failure: nil)
            } catch {
                outcome.set(sink: nil, failure: error)
            }
            done.signal()
        }.start()
        // Longer than the file lock's limit: the gate, not the lock, waits.
        #expect(done.wait(timeout: .now() + 1.5) == .timedOut, "the second sink did not wait for the first")
        try first.close()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let (second, failure) = outcome.get()
        #expect(failure == nil)
        try second?.close()
    }

    /// What the waiting thread got. `@unchecked Sendable`: under its lock.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var sink: MboxSink?
        private var failure: (any Error)?
        func set(sink: MboxSink?, failure: (any Error)?) {
            lock.withLock { (self.sink, self.failure) = (sink, failure) }
        }
        func get() -> (MboxSink?, (any Error)?) { lock.withLock { (sink, failure) } }
    }

    /// A signal while a sink waits for another account's mbox ends the wait.
    @Test func aWaitForTheMboxEndsWithTheRun() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let first = try MboxSink(path: path, lockTimeout: 1, calls: .system)
        defer { try? first.close() }
        let cancellation = Cancellation()
        cancellation.cancel()
        do {
            _ = try MboxSink(path: path, lockTimeout: 1, calls: .system, cancellation: cancellation)
            Issue.record("a cancelled wait for the mbox went on")
        } catch {
            #expect(error.explanation.contains(path), "\(error.explanation)")
        }
    }

    /// The other kind of lock still excludes ours: what mpop and `lockf`
    /// hold, we wait for (``LockContentionTests``), and what we hold,
    /// they cannot take.
    @Test func aProcessLockOfAnotherProgramCannotBeTakenWhileWeHoldOurs() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", "")
        let store = try UIDLsFile.open(path: path, lockTimeout: 1)
        #expect(try !LockContentionTests.otherProcessCanLock(path))
        store.close()
        #expect(try LockContentionTests.otherProcessCanLock(path))
    }
}
