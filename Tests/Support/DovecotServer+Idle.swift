import Foundation

extension DovecotServer {
    /// Waits until no session process (`pop3`) of this dovecot is left, at
    /// most `timeout` seconds: a session goes on writing its index files
    /// for a moment after its client read the reply to QUIT, and a test
    /// that replaces the mailbox meanwhile would have it write into the
    /// new one. Returns whether it became idle.
    @discardableResult
    public func waitUntilIdle(timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while sessionProcesses().count > 0 {
            guard Date() < deadline else { return false }
            usleep(1_000)
        }
        return true
    }

    /// The pids of the master's children that serve POP3 sessions.
    private func sessionProcesses() -> [pid_t] {
        let master = masterPID
        var found: [pid_t] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name) else { continue }
            // /proc/PID/stat: "PID (COMM) STATE PPID ..."
            guard let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let command = stat[stat.index(after: open)..<close]
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            guard command == "pop3", rest.count > 2, pid_t(rest[1]) == master else { continue }
            found.append(pid)
        }
        return found
    }
}
