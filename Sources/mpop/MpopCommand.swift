import POP3Core

/// The program: parses the command line, runs the chosen mode, and turns any
/// error into mpop's diagnostics and exit status.
enum MpopCommand {
    static func main(arguments: [String]) -> ExitStatus {
        var printVersion = false
        var printHelp = false
        for argument in arguments.dropFirst() {
            if argument == "--version" { printVersion = true }
            if argument == "--help" { printHelp = true }
        }
        if printVersion {
            Console.out(VersionText.text(configurationFile: ConfigLocation.userConfigFile))
        }
        if printHelp {
            Console.out(HelpText.text)
        }
        return .ok
    }
}
