import POP3Core

/// Runs the chosen mode on the checked accounts. A placeholder until the
/// retrieval and server-information modes land.
enum ModeRunner {
    static func run(mode: Invocation.Mode, accounts: [Account], invocation: Invocation) -> ExitStatus {
        Console.diagnostic("this mode is not available yet")
        return .software
    }
}
