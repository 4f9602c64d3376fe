extension ValueSyntax where Value == Account.Delivery? {
    /// A delivery method and its argument, the one kind whose syntax depends
    /// on the source: `delivery METHOD ARG` in the configuration file (a
    /// blank after the method; the argument trimmed and unquoted as a whole
    /// line is), `--delivery=METHOD,ARG` on the command line (a comma, the
    /// argument as given). The argument is `~` expanded except for `mda`.
    static var delivery: Self {
        Self(read: { argument throws(SettingArgument.Problem) in
            guard let text = argument.text else { throw .missing }
            let parts = argument.source == .configurationFile ? splitAtBlank(text) : splitAtComma(text)
            guard let (method, rest) = parts else { throw .invalid }
            let path = { ConfigValue.expandTilde(rest, home: argument.home) }
            switch method {
            case "mda": return .mda(rest)
            case "maildir": return .maildir(path())
            case "mbox": return .mbox(path())
            case "exchange": return .exchange(path())
            default: throw .invalid
            }
        }, show: { delivery in
            switch delivery {
            case .mda(let command)?: "mda \(command)"
            case .maildir(let directory)?: "maildir \(directory)"
            case .mbox(let file)?: "mbox \(file)"
            case .exchange(let directory)?: "exchange \(directory)"
            // Not printed: the checks require a delivery in retrieval mode.
            case nil: ""
            }
        })
    }

    /// `METHOD ARG`: the first blank ends the method.
    private static func splitAtBlank(_ text: String) -> (method: String, rest: String)? {
        let bytes = Array(text.utf8)
        guard let blank = bytes.firstIndex(where: ConfigFileParser.isBlank) else { return nil }
        let rest = ConfigFileParser.trim(Array(bytes[(blank + 1)...]))
        return (String(decoding: bytes[..<blank], as: UTF8.self), String(decoding: rest, as: UTF8.self))
    }

    /// `METHOD,ARG`: the first comma ends the method.
    private static func splitAtComma(_ text: String) -> (method: String, rest: String)? {
        let bytes = Array(text.utf8)
        guard let comma = bytes.firstIndex(of: UInt8(ascii: ",")) else { return nil }
        return (String(decoding: bytes[..<comma], as: UTF8.self),
                String(decoding: bytes[(comma + 1)...], as: UTF8.self))
    }
}
