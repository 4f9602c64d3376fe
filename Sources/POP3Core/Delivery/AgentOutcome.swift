#if canImport(Glibc)
import Glibc
#endif

/// The outcome file of a delivery agent (see ``MDASink``): its wait status
/// in decimal, written by its supervisor when the agent ended.
enum AgentOutcome {
    /// How long a later run waits for a supervisor that is still alive.
    static let waitLimit = 60.0

    /// The wait status in `path`. While the file is missing and `supervisor`
    /// is still alive, the agent is still working: wait for it (checking
    /// every 50 ms, for at most ``waitLimit`` seconds). `nil` when no status
    /// came: the agent was killed with mpop, or is still at work.
    static func read(_ path: String, supervisor: pid_t, waitLimit: Double = waitLimit) -> Int32? {
        var waited = 0.0
        while true {
            if let status = status(in: path) { return status }
            // A process that is gone (or never ours) answers ESRCH.
            guard supervisor > 0, kill(supervisor, 0) == 0 || errno == EPERM, waited < waitLimit else {
                return status(in: path)
            }
            usleep(50_000)
            waited += 0.05
        }
    }

    private static func status(in path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = Glibc.read(fd, &buffer, buffer.count)
        guard count > 1, buffer[count - 1] == UInt8(ascii: "\n") else { return nil }
        return Int32(String(decoding: buffer[0..<(count - 1)], as: UTF8.self))
    }
}
