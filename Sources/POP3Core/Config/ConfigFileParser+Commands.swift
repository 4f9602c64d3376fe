/// The setting commands of the configuration language: the table
/// (``Setting/definition``) reads each argument; this file gives them mpop
/// 1.4.18's error texts (`conf.c:read_conffile`).
extension ConfigFileParser {
    /// A message for one command's bad argument, without the line prefix.
    struct CommandError: Error {
        var message: String
    }

    /// Applies one setting command to an account or to the defaults.
    func apply(_ command: String, _ argument: String, to account: inout AccountSettings) throws(CommandError) {
        guard let setting = Setting(command: command) else {
            throw CommandError(message: "unknown command \(command)")
        }
        // An empty argument is none: `tls` alone is `tls on`, `host` alone needs one.
        let given = SettingArgument(text: argument.isEmpty ? nil : argument, source: .configurationFile, home: home)
        do throws(SettingArgument.Problem) {
            try account.set(setting, given)
        } catch {
            switch error {
            case .missing:
                throw CommandError(message: "command \(command) needs an argument")
            case .invalid:
                throw CommandError(message: "invalid argument \(argument) for command \(command)")
            case .invalidSize:
                throw CommandError(message: "invalid size (not a number or out of range): \(argument)")
            }
        }
    }
}
