import Foundation
import Testing
@testable import POP3Core
import TestSupport

/// `fcntl` locks belong to a process, so contention is tested against a
/// second process: a python3 script using `fcntl.lockf`, which takes the
/// same kind of lock as mpop.
@Suite struct LockContentionTests {
    static let python = "/usr/bin/python3"

    /// Starts python3 holding a write lock on `path` until it is killed,
    /// and waits until it holds it.
    static func holdLock(on path: String, in dir: TemporaryDirectory, then script: String = "time.sleep(120)") throws -> ChildProcess {
        try LockHolder.hold(on: path, in: dir, then: script)
    }

    /// Whether another process can take the lock right now (non-blocking).
    static func otherProcessCanLock(_ path: String) throws -> Bool {
        try Prerequisites.require(python, package: "python3")
        let program = """
            import fcntl, sys
            f = open(sys.argv[1], 'r+')
            try:
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                sys.exit(3)
            """
        let result = try ProgramRunner.run(python, ["-c", program, path], environment: ["PATH": "/usr/bin:/bin"])
        return result.status == 0
    }

    @Test func lockHeldByAnotherProcessTimesOutWithMpopsMessage() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", "")
        let holder = try Self.holdLock(on: path, in: dir)
        defer { holder.terminate() }
        do {
            _ = try UIDLsFile.open(path: path)
            Issue.record("opened a file another process had locked")
        } catch let error as UIDLsError {
            #expect(error.explanation
                    == "cannot lock \(path) (tried for 10 seconds): Resource temporarily unavailable")
            #expect(error.exitStatus == .ioError)
        }
    }

    @Test func lockIsTakenOnceTheOtherProcessLetsGo() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 h u\nx\n")
        let holder = try Self.holdLock(on: path, in: dir)
        #expect(throws: UIDLsError.self) { try UIDLsFile.open(path: path, lockTimeout: 1) }
        holder.terminate()
        let store = try UIDLsFile.open(path: path, lockTimeout: 1)
        #expect(store.uids(host: "h", user: "u") == ["x"])
        store.close()
    }

    @Test func lockIsHeldFromOpenUntilCloseOrSave() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url("uidls")
        let store = try UIDLsFile.open(path: path)
        #expect(try !Self.otherProcessCanLock(path))
        try store.recordDelivered(["a"], host: "h", user: "u")
        #expect(try !Self.otherProcessCanLock(path))
        store.close()
        #expect(try Self.otherProcessCanLock(path))

        let second = try UIDLsFile.open(path: path)
        #expect(try !Self.otherProcessCanLock(path))
        try second.save()
        #expect(try Self.otherProcessCanLock(path))
    }

    /// mpop's race: a process that waited for the lock on a file that was
    /// then renamed away would read and later overwrite stale contents.
    /// We notice the swap and open the new file.
    @Test func fileReplacedWhileWaitingIsReopened() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("uidls", " 1 h u\nstale\n")
        let holder = try Self.holdLock(on: path, in: dir, then: """
            time.sleep(0.5)
            with open(path + '.new', 'w') as new:
                new.write(' 1 h u\\nfresh\\n')
            os.rename(path + '.new', path)
            """)
        defer { holder.terminate() }
        let store = try UIDLsFile.open(path: path)
        #expect(store.uids(host: "h", user: "u") == ["fresh"])
        store.close()
    }
}
