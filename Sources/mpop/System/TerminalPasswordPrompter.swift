#if canImport(Glibc)
import Glibc
#endif
import CSupport
import POP3Core

/// Asks on the controlling terminal (`/dev/tty`), with echo off, as mpop
/// does; without a terminal there is no answer. One question at a time in
/// the whole process: accounts served side by side never ask at once.
struct TerminalPasswordPrompter: PasswordPrompter {
    private static let terminal = Locked(())

    func password(prompt: String) -> String? {
        Self.terminal.withLock { _ in
            guard let line = csupport_read_password(prompt) else { return nil }
            defer { free(line) }
            return String(cString: line)
        }
    }
}
