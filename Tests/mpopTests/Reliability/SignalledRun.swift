import Foundation
import TestSupport

/// Our mpop started as a child that a test can signal at a moment of its
/// choosing, with the same private environment as ``MpopBinary/run``.
struct SignalledRun {
    let process: ChildProcess
    let stderrPath: String

    init(home: String, arguments: [String], scratch: TemporaryDirectory, index: Int) throws {
        stderrPath = scratch.url("stderr-\(index)")
        process = try ChildProcess(MpopBinary.ours.path, arguments,
                                   environment: ["HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin",
                                                 "LC_ALL": "C", "USER": "mpoptest", "TZ": "UTC"],
                                   stdout: scratch.url("stdout-\(index)"), stderr: stderrPath)
    }

    /// Sends `signal` after `delay` seconds unless mpop ended before, then
    /// waits for the end (bounded). Returns the status (128 + N after death
    /// by signal N) and whether the signal was sent while mpop ran.
    func signal(_ signal: Int32, after delay: Double) -> (status: Int32, hit: Bool) {
        let deadline = Date().addingTimeInterval(delay)
        while Date() < deadline {
            if let status = process.poll() { return (status, false) }
            usleep(2_000)
        }
        guard process.poll() == nil else { return (process.poll()!, false) }
        kill(process.pid, signal)
        let (status, _) = process.wait(timeout: 60)
        return (status, true)
    }

    /// Sends `signal` once `ready` holds (checked every 0.1 ms,
    /// for at most `limit` seconds) and then `jitter` more seconds have
    /// passed, unless mpop ended before; then waits for the end (bounded).
    /// Returns the status, whether the signal was sent while mpop ran, and
    /// what `observe` said right before the signal went.
    func signal<Observation>(_ signal: Int32, when ready: () -> Bool, jitter: Double = 0, limit: Double = 20,
                             observe: () -> Observation) -> (status: Int32, hit: Bool, seen: Observation?) {
        let deadline = Date().addingTimeInterval(limit)
        while !ready() && Date() < deadline {
            if let status = process.poll() { return (status, false, nil) }
            usleep(100)
        }
        if jitter > 0 { usleep(useconds_t(jitter * 1_000_000)) }
        let seen = observe()
        guard process.poll() == nil else { return (process.poll()!, false, nil) }
        kill(process.pid, signal)
        let (status, _) = process.wait(timeout: 60)
        return (status, true, seen)
    }

    var stderr: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }
}
