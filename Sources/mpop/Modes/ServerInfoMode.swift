import POP3Core

/// `--serverinfo`: for each account, connect, try to log in, and print what
/// the server offers (mpop 1.4.18 `mpop_serverinfo`). Errors print their
/// lines only; a refused login is no error here. One account after
/// another, whatever `simultaneous_accounts` says.
struct ServerInfoMode {
    let invocation: Invocation
    let environment: Environment

    func run(_ accounts: [Account]) -> ExitStatus {
        let passwords = PasswordSource(environment: environment, prompter: TerminalPasswordPrompter())
        var failures: [ExitStatus] = []
        for account in accounts {
            do {
                // As in mpop, a signal here has its default action.
                let session = try AccountConnection.session(for: account, debug: invocation.debug, console: .direct,
                                                            passwords: passwords, cancellation: .never)
                try session.runServerInfo { info in
                    Console.out(ServerInfoText.text(info))
                }
            } catch {
                Console.report(error)
                failures.append(exitStatus(for: error))
            }
        }
        return ModeRunner.combined(failures)
    }
}
