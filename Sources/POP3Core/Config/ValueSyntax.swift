/// One argument kind of mpop's configuration language: how an argument
/// becomes a setting's value, for the configuration file and the command
/// line alike, and how `-P` prints the value.
///
/// The kinds below keep mpop 1.4.18's acceptance rules (`conf.c`); a new
/// kind is a value of this type with its own two functions.
struct ValueSyntax<Value> {
    /// Reads an argument.
    /// - Throws: ``SettingArgument/Problem``; the source words it.
    let read: (SettingArgument) throws(SettingArgument.Problem) -> Value
    /// The value as `-P` prints it after `NAME = `.
    let show: (Value) -> String

    init(read: @escaping (SettingArgument) throws(SettingArgument.Problem) -> Value,
         show: @escaping (Value) -> String) {
        self.read = read
        self.show = show
    }
}

/// What `-P` prints for a setting without a value.
private let notSet = "(not set)"

extension ValueSyntax where Value: Equatable {
    /// One of a few words, or `absent` without an argument: `on` or `off`
    /// (``onOff``), `pipelining`'s `on`, `off` or `auto`. `-P` prints the
    /// first word of the value.
    static func keywords(_ words: KeyValuePairs<String, Value>, absent: Value) -> Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { return absent }
            guard let value = words.first(where: { $0.key == text })?.value else { throw .invalid }
            return value
        }, show: { value in
            words.first { $0.value == value }?.key ?? ""
        })
    }
}

extension ValueSyntax where Value == Bool {
    /// `on` or `off`; on without an argument (`tls`, `--tls`), but an empty
    /// argument of a long option is invalid (`--tls=`).
    static var onOff: Self { keywords(["on": true, "off": false], absent: true) }
}

extension ValueSyntax where Value == Keep {
    /// `on`, `off` or a duration (``ConfigValue/keepDuration(_:)``); on
    /// without an argument. `-P` prints `on`, `off` or `N seconds`, as mpop
    /// 1.4.23 does.
    ///
    /// An empty argument of the long option (`--keep=`) stays invalid, as
    /// in 1.4.18: 1.4.23 reads it as a duration of no parts, which is
    /// `off`, the opposite of what `--keep` alone means.
    static var keep: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { return .on }
            if let on = ConfigValue.onOff(text) { return on ? .on : .off }
            guard !text.isEmpty, let seconds = ConfigValue.keepDuration(text) else { throw .invalid }
            return Keep(seconds: seconds)
        }, show: { keep in
            switch keep {
            case .off: "off"
            case .on: "on"
            case .duration(let seconds): "\(seconds) seconds"
            }
        })
    }
}

extension ValueSyntax where Value == String? {
    /// Any text; an empty argument unsets (`user`, `filter`).
    static var text: Self {
        Self(read: { argument throws(SettingArgument.Problem) in argument.nonEmptyText },
             show: { $0 ?? notSet })
    }

    /// Any text, which the configuration file requires and a long option
    /// may give empty (`host`).
    static var requiredText: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { throw .missing }
            return text
        }, show: { $0 ?? notSet })
    }

    /// A file name, `~` expanded; an empty argument unsets (`tls_trust_file`).
    static var path: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            argument.nonEmptyText.map { ConfigValue.expandTilde($0, home: argument.home) }
        }, show: { $0 ?? notSet })
    }
}

extension ValueSyntax where Value == String {
    /// A file name, `~` expanded, which the configuration file requires and
    /// a long option may give empty (`uidls_file`).
    static var requiredPath: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { throw .missing }
            return ConfigValue.expandTilde(text, home: argument.home)
        }, show: { $0 })
    }

    /// An authentication method in lowercase, or `on` or nothing for
    /// choosing one (``ConfigValue/authMethod(_:)``).
    static var authMethod: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let method = ConfigValue.authMethod(argument.text ?? "") else { throw .invalid }
            return method
        }, show: { $0.isEmpty ? "choose" : $0 })
    }
}

extension ValueSyntax {
    /// What `parse` accepts; an empty argument unsets (`proxy_port`).
    static func unsettable<Wrapped>(_ parse: @escaping (String) -> Wrapped?,
                                    show: @escaping (Wrapped?) -> String) -> Self where Value == Wrapped? {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.nonEmptyText else { return nil }
            guard let value = parse(text) else { throw .invalid }
            return value
        }, show: show)
    }

    /// `off` (`nil`) or what `parse` accepts, required (`timeout`); anything
    /// else is `refused`.
    static func offOr<Wrapped>(_ parse: @escaping (String) -> Wrapped?, refused: SettingArgument.Problem = .invalid,
                               show: @escaping (Wrapped) -> String) -> Self where Value == Wrapped? {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { throw .missing }
            if text == "off" { return nil }
            guard let value = parse(text) else { throw refused }
            return value
        }, show: { $0.map(show) ?? "off" })
    }
}

extension ValueSyntax where Value == Int? {
    /// A port number, required (`port`); `-P` prints 0 before one is chosen.
    static var port: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { throw .missing }
            guard let port = ConfigValue.port(text) else { throw .invalid }
            return port
        }, show: { String($0 ?? 0) })
    }

    /// A port number; an empty argument unsets (`proxy_port`).
    static var optionalPort: Self { unsettable(ConfigValue.port, show: { String($0 ?? 0) }) }

    /// A positive number of seconds, or `off` (`nil`), required (`timeout`).
    static var secondsOrOff: Self {
        offOr(ConfigValue.positiveInt, show: { $0 == 1 ? "1 second" : "\($0) seconds" })
    }

    /// A positive number; an empty argument unsets (`tls_min_dh_prime_bits`).
    static var optionalPositive: Self { unsettable(ConfigValue.positiveInt, show: { $0.map(String.init) ?? notSet }) }
}

extension ValueSyntax where Value == Int64? {
    /// A size in bytes (``ConfigValue/size(_:)``) or `off` (`nil`), required
    /// (`killsize`, `skipsize`).
    static var sizeOrOff: Self { offOr(ConfigValue.size, refused: .invalidSize, show: String.init) }
}

extension ValueSyntax where Value == Secret? {
    /// A secret; an empty argument unsets (`password`). `-P` prints `*`.
    static var secret: Self {
        Self(read: { argument throws(SettingArgument.Problem) in argument.nonEmptyText.map(Secret.init) },
             show: { $0 == nil ? notSet : "*" })
    }
}

extension ValueSyntax where Value == [UInt8]? {
    /// A certificate fingerprint (``ConfigValue/fingerprint(_:)``); an empty
    /// argument unsets (`tls_fingerprint`). `-P` prints upper-case hex.
    static var fingerprint: Self {
        unsettable(ConfigValue.fingerprint, show: { $0.map(ConfigValue.fingerprintText) ?? notSet })
    }
}

extension ValueSyntax where Value == String? {
    /// msmtp's `syslog`: `on` (or no argument) for ``ConfigValue/syslogDefaultFacility``,
    /// `off` (`nil`), or a facility by its C name. Anything else, an empty
    /// argument of the long option too (`--syslog=`), is invalid, as in
    /// msmtp.
    static var syslogFacility: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { return ConfigValue.syslogDefaultFacility }
            switch text {
            case "on": return ConfigValue.syslogDefaultFacility
            case "off": return nil
            default:
                guard ConfigValue.syslogFacilities.contains(text) else { throw .invalid }
                return text
            }
        }, show: { $0 ?? notSet })
    }
}

extension ConfigValue {
    /// The facilities `syslog` accepts, as msmtp's.
    public static let syslogFacilities: [String] = ["LOG_USER", "LOG_MAIL"] + (0...7).map { "LOG_LOCAL\($0)" }

    /// The facility of `syslog on`. msmtp's is `LOG_USER`; a mail
    /// retriever's lines belong with the mail system's, so ours is `LOG_MAIL`.
    public static let syslogDefaultFacility = "LOG_MAIL"
}
