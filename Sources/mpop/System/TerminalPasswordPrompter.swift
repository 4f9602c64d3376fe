#if canImport(Glibc)
import Glibc
#endif
import CSupport
import POP3Core

/// Asks on the controlling terminal (`/dev/tty`), with echo off, as mpop
/// does; without a terminal there is no answer.
struct TerminalPasswordPrompter: PasswordPrompter {
    func password(prompt: String) -> String? {
        guard let line = csupport_read_password(prompt) else { return nil }
        defer { free(line) }
        return String(cString: line)
    }
}
