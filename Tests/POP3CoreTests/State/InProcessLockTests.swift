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

    @Test func aSecondMboxSinkInThisProcessWaitsForTheFirst() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("mbox")
        let first = try MboxSink(path: path, lockTimeout: 1, calls: .system)
        #expect(throws: DeliveryError.self) { try MboxSink(path: path, lockTimeout: 1, calls: .system) }
        try first.close()
        let second = try MboxSink(path: path, lockTimeout: 1, calls: .system)
        try second.close()
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
