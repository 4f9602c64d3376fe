import Foundation

/// A second process that holds an `fcntl` write lock, the kind mpop takes:
/// `fcntl` locks belong to a process, so contention needs another one.
public enum LockHolder {
    public static let python = "/usr/bin/python3"

    /// Starts python3 holding a write lock on `path` (then running `script`,
    /// by default sleeping for two minutes), and waits until it holds it.
    /// Terminate the returned process to release the lock.
    public static func hold(on path: String, in dir: TemporaryDirectory,
                            then script: String = "time.sleep(120)") throws -> ChildProcess {
        try Prerequisites.require(python, package: "python3")
        let flag = dir.url("locked-\(UUID().uuidString)")
        let program = """
            import fcntl, os, sys, time
            path, flag = sys.argv[1], sys.argv[2]
            f = open(path, 'r+')
            fcntl.lockf(f, fcntl.LOCK_EX)
            open(flag, 'w').close()
            \(script)
            """
        let child = try ChildProcess(python, ["-c", program, path, flag], environment: ["PATH": "/usr/bin:/bin"],
                                     stderr: dir.url("python.stderr"))
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: flag) {
            if child.poll() != nil { break }
            usleep(10_000)
        }
        guard FileManager.default.fileExists(atPath: flag) else {
            child.terminate()
            let log = (try? String(contentsOfFile: dir.url("python.stderr"), encoding: .utf8)) ?? ""
            throw LockHolderFailure(description: "python3 did not take the lock: \(log)")
        }
        return child
    }
}

public struct LockHolderFailure: Error, CustomStringConvertible {
    public let description: String
}
