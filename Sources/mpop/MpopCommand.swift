import POP3Core

/// The program: parses the command line, reads and checks the accounts,
/// prints the configuration for `-P`/`-d`, then hands over to the mode
/// (`--configure` and `--mda` need no accounts and come first).
/// Every error becomes mpop's diagnostics and exit status here.
enum MpopCommand {
    static func main(arguments: [String]) -> ExitStatus {
        let environment = Environment.ofThisProcess()
        let home = ConfigLocation.homeDirectory(environment)
        let invocation: Invocation
        do throws(CommandLineError) {
            invocation = try CommandLineParser.parse(arguments, home: home)
        } catch {
            report(error)
            return error.exitStatus
        }

        if invocation.printVersion {
            Console.out(VersionText.text(configurationFile: ConfigLocation.userConfigFile(environment),
                                         keyRing: SecretTool.isAvailable(environment)))
        }
        if invocation.printHelp {
            Console.out(HelpText.text)
        }
        guard let mode = invocation.mode else {
            return .ok
        }
        if case .configure(let address) = mode {
            let file = invocation.configurationFile ?? ConfigLocation.userConfigFile(environment)
            return configure(address, configurationFile: file, keyRing: SecretTool.isAvailable(environment))
        }
        if mode == .mda {
            // No configuration file, no -P: mpop 1.4.23 delivers before it looks at accounts.
            return MDAMode(invocation: invocation).run()
        }

        let accounts: [Account]
        do {
            accounts = try AccountSelection.accounts(for: invocation, home: home, environment: environment)
        } catch {
            report(error)
            return exitStatus(for: error)
        }

        if invocation.printsConfiguration {
            PretendPrinter.print(accounts, retrieval: mode == .retrieval)
        }
        if invocation.pretend {
            return .ok
        }
        return ModeRunner.run(mode: mode, accounts: accounts, invocation: invocation, environment: environment)
    }

    /// `--configure=ADDRESS`: prints a configuration found through SRV
    /// records; `keyRing` tells whether `secret-tool` is there.
    static func configure(_ address: String, configurationFile: String, keyRing: Bool) -> ExitStatus {
        do throws(AutoConfigurationError) {
            // The key ring only when ours can reach it: a password stored
            // where ours cannot read it leaves the account without one.
            Console.out(try AutoConfiguration.text(for: address, configurationFile: configurationFile,
                                                   keyRing: keyRing))
            return .ok
        } catch {
            // The address is the user's own input; mpop prints the message as it is.
            Console.err("mpop: " + error.explanation + "\n")
            return error.exitStatus
        }
    }

    /// Prints an error of this layer as mpop does: command-line values
    /// unchanged, configuration errors sanitized where mpop sanitizes them.
    static func report(_ error: any Error) {
        switch error {
        case CommandLineError.reportedByGetopt:
            break
        case let error as CommandLineError:
            Console.err("mpop: " + error.explanation + "\n")
        case let error as ConfigError:
            Console.err("mpop: " + error.diagnostic + "\n")
        default:
            Console.report(error)
        }
    }
}
