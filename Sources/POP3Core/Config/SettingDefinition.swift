/// One row of the settings table (``Setting/definition``): everything the
/// configuration file, the command line, inheritance and `-P` know about a
/// setting.
public struct SettingDefinition {
    /// getopt's `has_arg` for a setting's long option.
    public enum OptionArgument: Sendable {
        /// `--NAME=VALUE`; getopt itself refuses `--NAME` alone.
        case requiredArgument
        /// `--NAME` or `--NAME=VALUE`; `nil` reaches the syntax for the first.
        case optionalArgument
    }

    /// Reads, copies and shows the value at the setting's place in
    /// ``Account``, its type known only inside.
    struct Storage {
        let assign: (SettingArgument, inout Account) throws(SettingArgument.Problem) -> Void
        let copy: (Account, inout Account) -> Void
        let show: (Account) -> String

        /// `keyPath` is called only when the value is used: making the
        /// key path objects of the whole table at startup cost a tenth of
        /// `mpop --version`'s time.
        init<Value>(_ keyPath: @escaping () -> WritableKeyPath<Account, Value>, _ syntax: ValueSyntax<Value>) {
            assign = { argument, account throws(SettingArgument.Problem) in
                account[keyPath: keyPath()] = try syntax.read(argument)
            }
            copy = { source, account in
                let place = keyPath()
                account[keyPath: place] = source[keyPath: place]
            }
            show = { account in syntax.show(account[keyPath: keyPath()]) }
        }
    }

    /// The configuration command, `tls_trust_file`.
    public let command: String
    /// The long option's argument, or `nil` when only the configuration
    /// file has the setting (`password`, `ntlmdomain`).
    public let optionArgument: OptionArgument?
    /// The short option that means the same as the long one (`-k`, `-n`).
    public let shortOption: Character?
    /// The name `-P` prints before ` = `.
    public let pretendLabel: String
    /// Printed by `-P` only in retrieval mode (the delivery and retrieval settings).
    public let retrievalOnly: Bool
    /// Whether `-P` prints the setting while it has its default value;
    /// `false` for ours, so that `-P` stays mpop 1.4.18's, byte for byte,
    /// for a configuration that does not use them.
    public let pretendWhenUnset: Bool
    /// `nil` for a setting that is accepted and ignored.
    let storage: Storage?

    /// The long option: the command with `-` for `_` (`tls-trust-file`), or
    /// `nil` when the command line does not have the setting.
    public var longOption: String? {
        guard optionArgument != nil else { return nil }
        return String(decoding: command.utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
    }

    /// The line `-P` prints for `account`, without its line feed; `nil`
    /// for an ignored setting.
    public func pretendLine(for account: Account) -> String? {
        guard let storage else { return nil }
        let value = storage.show(account)
        if !pretendWhenUnset && value == storage.show(Account()) { return nil }
        return "\(pretendLabel) = \(value)"
    }
}

extension SettingDefinition {
    /// A setting kept in `account[keyPath: keyPath]` and read with `syntax`;
    /// `-P` prints it as `pretendLabel`, or as the command.
    init<Value>(_ command: String, _ optionArgument: OptionArgument?,
                _ keyPath: @autoclosure @escaping () -> WritableKeyPath<Account, Value>,
                _ syntax: ValueSyntax<Value>, short: Character? = nil, pretendLabel: String? = nil,
                retrievalOnly: Bool = false, pretendWhenUnset: Bool = true) {
        self.init(command: command, optionArgument: optionArgument, shortOption: short,
                  pretendLabel: pretendLabel ?? command, retrievalOnly: retrievalOnly,
                  pretendWhenUnset: pretendWhenUnset, storage: Storage(keyPath, syntax))
    }

    /// A setting that both sources accept with any argument and ignore, and
    /// `-P` does not print (`tls_force_sslv3`, for files and command lines
    /// written for mpop 1.0.29 and older).
    static func ignored(_ command: String, _ optionArgument: OptionArgument?) -> Self {
        Self(command: command, optionArgument: optionArgument, shortOption: nil, pretendLabel: command,
             retrievalOnly: false, pretendWhenUnset: true, storage: nil)
    }
}
