#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended, decoded from a `waitpid` status.
public enum ChildProcessStatus: Sendable, Equatable {
    /// The child called `exit` with this code (0–255).
    case exited(Int32)
    /// A signal ended the child (C: `WIFSIGNALED`, `WTERMSIG`).
    case signaled(Int32)

    /// Decodes a status word from `waitpid`, as the `W*` macros of
    /// `<sys/wait.h>` do (Swift cannot call those macros).
    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(signal)
        }
    }
}
