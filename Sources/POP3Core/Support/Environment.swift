/// Environment variables, as the program hands them to the library: the
/// library reads none of the process's own, so that what it looks up
/// (`HOME`, `XDG_CONFIG_HOME`, `PATH`, `USER`, `LOGNAME`) is visible at the
/// call, and a test can say what it is.
///
/// Child processes (delivery agents, filters, `passwordeval`,
/// `secret-tool`) still inherit the process's environment as it is.
public struct Environment: Sendable, Equatable {
    private var variables: [String: String]

    public init(_ variables: [String: String] = [:]) {
        self.variables = variables
    }

    /// The variables of `NAME=value` entries, as `environ` holds them; of
    /// two entries with one name the first counts, as `getenv` finds it.
    /// Entries without `=` are skipped.
    public init(entries: some Sequence<String>) {
        variables = [:]
        for entry in entries {
            guard let equals = entry.utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(entry[..<equals])
            if variables[name] == nil {
                variables[name] = String(entry[entry.index(after: equals)...])
            }
        }
    }

    /// Every variable the library reads: a program needs to hand over
    /// only these (`EnvironmentTests` checks the list against the sources).
    public static let namesRead = ["HOME", "XDG_CONFIG_HOME", "USER", "LOGNAME", "PATH"]

    /// The value of `name`, or `nil` when it is not set (an empty value is
    /// a value).
    public subscript(name: String) -> String? {
        get { variables[name] }
        set { variables[name] = newValue }
    }
}
