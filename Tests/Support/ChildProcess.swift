import Foundation

/// A child process started with `posix_spawn`, with an empty signal mask and
/// default signal actions.
///
/// Foundation's `Process` passes on the test runner's blocked signals, and a
/// dovecot started that way never reaps its children or sees SIGTERM; mpop
/// under test must also see signals as a user's shell would give them.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private var exitStatus: Int32?

    /// Starts `executable`; stdin, stdout and stderr are opened from the given paths.
    public init(_ executable: String, _ arguments: [String], environment: [String: String],
                stdin: String = "/dev/null", stdout: String = "/dev/null", stderr: String = "/dev/null",
                workingDirectory: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // coreutils' env changes the directory for us (posix_spawn has no portable chdir).
        let program = workingDirectory == nil ? executable : "/usr/bin/env"
        let fullArguments = workingDirectory.map { ["/usr/bin/env", "--chdir=\($0)", executable] + arguments }
            ?? [executable] + arguments
        let argv = fullArguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw MessageFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// The exit status (128 + N for death by signal N), or `nil` while it runs.
    public func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        guard reaped == pid else { return nil }
        exitStatus = Self.decode(status)
        return exitStatus
    }

    /// Waits for the exit, killing the child after `timeout` seconds.
    /// Returns the status and whether it had to be killed.
    @discardableResult
    public func wait(timeout: Double = .infinity) -> (status: Int32, killed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var delay: useconds_t = 200
        while true {
            if let status = poll() { return (status, false) }
            if Date() > deadline {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                exitStatus = Self.decode(status)
                return (exitStatus!, true)
            }
            usleep(delay)
            delay = min(delay * 2, 10_000)
        }
    }

    /// Sends `signal`, then waits up to `timeout` seconds before SIGKILL.
    public func terminate(signal: Int32 = SIGTERM, timeout: Double = 10) {
        guard poll() == nil else { return }
        kill(pid, signal)
        wait(timeout: timeout)
    }

    static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
