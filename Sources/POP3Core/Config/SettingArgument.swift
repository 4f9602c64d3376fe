/// A setting's argument as the configuration file or the command line hands
/// it over, before the setting's ``ValueSyntax`` reads it.
///
/// The sources differ in what "no argument" is. The configuration file cannot
/// tell an empty argument from none, so it passes `nil` for both (`tls` means
/// `tls on`, `host` alone "needs an argument"). The command line passes `nil`
/// only for an optional argument left out (`--tls`) and `""` for an empty one
/// (`--tls=`, which is invalid; `--host=`, which sets an empty host).
public struct SettingArgument: Sendable {
    /// Where an argument comes from.
    public enum Source: Sendable {
        /// A setting command of the configuration file.
        case configurationFile
        /// A long option.
        case commandLine
    }

    /// Why an argument was refused. Each source words these its own way:
    /// the configuration file as mpop's `conf.c`, the command line always as
    /// `invalid argument VALUE for --OPTION`.
    public enum Problem: Error, Equatable {
        /// No argument where the setting needs one.
        case missing
        /// An argument outside the setting's syntax.
        case invalid
        /// Not a size (`killsize`, `skipsize`), which the configuration file
        /// reports in words of its own.
        case invalidSize
    }

    /// The text of the argument; `nil` when there is none (see above).
    public var text: String?
    public var source: Source
    /// The directory a leading `~` of a file name stands for.
    public var home: String

    public init(text: String?, source: Source, home: String) {
        self.text = text
        self.source = source
        self.home = home
    }

    /// The text, or `nil` when it is missing or empty: for settings that an
    /// empty argument unsets.
    var nonEmptyText: String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
