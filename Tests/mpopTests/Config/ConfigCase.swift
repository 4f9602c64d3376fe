import Foundation

/// One differential case: files in a private `$HOME`, a command line, and
/// what must hold: ours and Debian's mpop print the same bytes on stdout and
/// stderr and end with the same status.
///
/// The configuration text goes to `$HOME/rc` (mode 0600 unless `mode` says
/// otherwise); the programs run in `$HOME`, so `-C rc` names it. `~` in
/// expected output is whatever `$HOME` is, the same for both runs.
struct ConfigCase: Sendable, CustomStringConvertible {
    var name: String
    var rc: String?
    var mode: Int = 0o600
    var arguments: [String]
    /// Further files, relative to `$HOME`, written with mode 0600.
    var files: [String: String] = [:]
    var environment: [String: String] = [:]
    /// Give `rc` to another user (only possible when the tests run as root).
    var foreignOwner = false

    var description: String { name }

    init(_ name: String, _ rc: String?, _ arguments: [String], mode: Int = 0o600,
         files: [String: String] = [:], environment: [String: String] = [:], foreignOwner: Bool = false) {
        self.name = name
        self.rc = rc
        self.arguments = arguments
        self.mode = mode
        self.files = files
        self.environment = environment
        self.foreignOwner = foreignOwner
    }
}

extension ConfigCase {
    /// `-C rc -P` followed by `arguments`.
    static func pretend(_ name: String, _ rc: String, _ arguments: String...) -> ConfigCase {
        ConfigCase(name, rc, ["-C", "rc", "-P"] + arguments)
    }

    /// `-C rc -P -S` followed by `arguments`: the server-information block.
    static func serverInfo(_ name: String, _ rc: String, _ arguments: String...) -> ConfigCase {
        ConfigCase(name, rc, ["-C", "rc", "-P", "-S"] + arguments)
    }

    /// `--host` mode: no configuration file.
    static func command(_ name: String, _ arguments: String...) -> ConfigCase {
        ConfigCase(name, nil, arguments)
    }
}
