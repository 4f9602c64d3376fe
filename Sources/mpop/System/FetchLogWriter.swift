#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// Writes fetch log lines (``FetchLogLine``) where an account's `logfile`
/// and `syslog` say, for the whole run.
///
/// A log never holds up mail: a line that cannot be written (a file that
/// cannot be opened, a full disk, a FIFO nobody reads) is dropped, with one
/// `mpop: warning: ...` on stderr per log file and run, and the fetch goes
/// on with its exit status unchanged. Each line is one `write(2)` on a
/// descriptor opened with `O_APPEND`, so lines of mpops running at the same
/// time never interleave.
///
/// One writer serves every account of a run, also when they run side by
/// side on threads of their own: `@unchecked Sendable` because the
/// closures it is given are called from those threads (the defaults are
/// safe there: `syslog` goes through one lock, so that `openlog` and
/// `closelog` of two accounts never cross, and the clock is `time(2)`),
/// and the set of warned files is kept under a mutex.
final class FetchLogWriter: @unchecked Sendable {
    /// Sends one line to the system log: the facility and priority as
    /// `syslog(3)` takes them, then the line without its line feed.
    typealias SyslogSink = (_ facility: Int32, _ priority: Int32, _ line: String) -> Void

    /// msmtp's default `logfile_time_format`.
    static let defaultTimeFormat = "%b %d %H:%M:%S"

    private let syslog: SyslogSink
    private let now: () -> time_t
    private let warned = Locked(Set<String>())

    init(syslog: @escaping SyslogSink = FetchLogWriter.systemSyslog, now: @escaping () -> time_t = { time(nil) }) {
        self.syslog = syslog
        self.now = now
    }

    /// Whether `account` logs anywhere.
    static func logs(_ account: Account) -> Bool {
        account.logfile != nil || account.syslog != nil
    }

    /// Writes `line` to `account`'s log file, with the time in front, and
    /// to the system log; `failure` picks `LOG_ERR` over `LOG_INFO` there.
    /// A log on stdout (`-`) and the warning go to the account's `console`.
    func write(_ line: String, failure: Bool, for account: Account, console: AccountConsole = .direct) {
        if let path = account.logfile {
            let text = Self.timestamp(now(), format: account.logfileTimeFormat ?? Self.defaultTimeFormat) + " "
                + line + "\n"
            if path == "-" {
                console.out(text)
            } else if let problem = Self.append(text, to: path),
                      warned.withLock({ $0.insert(path).inserted }) {
                console.diagnostic("warning: cannot write to log file \(path): \(problem)")
            }
        }
        if let facility = account.syslog.flatMap(Self.facilityCode) {
            syslog(facility, failure ? LOG_ERR : LOG_INFO, line)
        }
    }

    /// `time` in local time, formatted by `strftime(3)`; empty when the
    /// result does not fit in 256 bytes.
    static func timestamp(_ time: time_t, format: String) -> String {
        var clock = time
        var parts = tm()
        guard localtime_r(&clock, &parts) != nil else { return "" }
        var buffer = [CChar](repeating: 0, count: 256)
        let count = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Appends `text` with one `write(2)`; returns why it failed, or `nil`.
    /// `O_NONBLOCK` keeps a FIFO without a reader from stopping the fetch.
    static func append(_ text: String, to path: String) -> String? {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        while true {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written == bytes.count { return nil }
            if written < 0 && errno == EINTR { continue }
            if written < 0 { return String(cString: strerror(errno)) }
            // A short write (the disk filled up in the middle of the line)
            // leaves a torn line; end it, so the next line starts on its own.
            var newline = UInt8(ascii: "\n")
            _ = Glibc.write(fd, &newline, 1)
            return "only \(written) of \(bytes.count) bytes written"
        }
    }

    /// The `syslog(3)` facility of a name `syslog` accepts, or `nil`.
    static func facilityCode(_ name: String) -> Int32? {
        switch name {
        case "LOG_USER": return 1 << 3
        case "LOG_MAIL": return 2 << 3
        default:
            guard name.hasPrefix("LOG_LOCAL"), let n = Int32(name.dropFirst(9)), (0...7).contains(n) else {
                return nil
            }
            return (16 + n) << 3
        }
    }

    /// glibc's `syslog(3)`, ident `mpop`, with the process id, as msmtp's
    /// `openlog("msmtp", LOG_PID, facility)`.
    static func systemSyslog(facility: Int32, priority: Int32, line: String) {
        // openlog sets the facility for the whole process: two accounts
        // with different facilities must not cross between it and vsyslog.
        syslogLock.withLock { _ in
            openlog(identity, LOG_PID, facility)
            line.withCString { text in
                withVaList([text]) { vsyslog(priority, "%s", $0) }
            }
            closelog()
        }
    }

    private static let syslogLock = Locked(())

    /// openlog(3) keeps the pointer, so it must live as long as the process.
    nonisolated(unsafe) private static let identity: UnsafeMutablePointer<CChar> = strdup("mpop")
}
