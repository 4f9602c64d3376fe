/// mpop 1.4.18's configuration language (`conf.c:read_conffile`), from the
/// bytes of a file to its accounts.
///
/// Lines are read as `fgets` with a 501-byte buffer reads them, so a line of
/// 500 or more characters is an error; `\n` and `\r\n` both end a line. The
/// first word is the command, the rest (trimmed of blanks, and of one pair of
/// enclosing double quotes) its argument. `eval CMD` replaces its line with
/// the first line CMD prints.
public struct ConfigFileParser {
    /// Runs an `eval` command and returns its first output line.
    public typealias Evaluator = (String) throws(ShellCommand.Failure) -> String

    /// The file name used in messages and stored in each account.
    public var file: String
    /// The directory a leading `~` stands for.
    public var home: String
    public var evaluate: Evaluator

    public init(file: String, home: String,
                evaluate: @escaping Evaluator = { command throws(ShellCommand.Failure) in
                    try ShellCommand.firstLine(of: command)
                }) {
        self.file = file
        self.home = home
        self.evaluate = evaluate
    }

    /// The accounts in file order, and whether a literal `password` line
    /// was seen (which makes the caller check the file's permissions).
    public struct Contents: Sendable, Equatable {
        public var accounts: [AccountSettings]
        public var containsSecrets: Bool
    }

    /// Parses a whole file.
    /// - Throws: ``ConfigError`` for the first problem, as mpop stops there.
    public func parse(_ bytes: [UInt8]) throws(ConfigError) -> Contents {
        var reader = ConfigLineSplitter(bytes: bytes)
        var defaults = AccountSettings(home: home)
        var accounts: [AccountSettings] = []
        // nil before the first `account` or `defaults`; -1 while editing the defaults.
        var current: Int?
        var containsSecrets = false
        var lineNumber = 0

        while true {
            lineNumber += 1
            guard let next = reader.nextLine() else { break }
            guard case .text(let line) = next else { throw .lineTooLong(file: file) }
            guard var (command, argument) = Self.split(line) else { continue }
            // Only a literal `password` line makes the file secret; one
            // produced by `eval` does not.
            var literal = true

            if string(command) == "eval" {
                if argument.isEmpty {
                    throw .syntax(file: file, line: lineNumber, message: "command eval needs an argument")
                }
                let commandText = string(argument)
                let output: String
                do throws(ShellCommand.Failure) {
                    output = try evaluate(commandText)
                } catch {
                    switch error {
                    case .noOutput:
                        throw .evalProducedNothing(file: file, command: commandText)
                    case .cannotStart(let reason):
                        throw .cannotEvaluate(file: file, command: commandText, reason: reason)
                    }
                }
                guard let replaced = Self.split(Array(output.utf8)) else { continue }
                (command, argument) = replaced
                literal = false
            }

            let name = string(command)
            if current == nil && name != "account" && name != "defaults" {
                throw .syntax(file: file, line: lineNumber, message: "first command must be account or defaults")
            }
            switch name {
            case "defaults":
                if !argument.isEmpty {
                    throw .syntax(file: file, line: lineNumber, message: "command defaults does not take an argument")
                }
                current = -1
            case "account":
                let account = try newAccount(argument, line: lineNumber, defaults: defaults, existing: accounts)
                accounts.append(account)
                current = accounts.count - 1
            default:
                if name == "password" && literal { containsSecrets = true }
                let value = string(argument)
                do {
                    if current == -1 {
                        try apply(name, value, to: &defaults)
                    } else {
                        try apply(name, value, to: &accounts[current!])
                    }
                } catch {
                    throw .syntax(file: file, line: lineNumber, message: error.message)
                }
            }
        }
        return Contents(accounts: accounts, containsSecrets: containsSecrets)
    }

    func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// `account NAME [: A,B,...]`: a copy of the defaults as they are now,
    /// then every explicitly set setting of A, B, ... in order.
    private func newAccount(_ argument: [UInt8], line: Int, defaults: AccountSettings,
                            existing: [AccountSettings]) throws(ConfigError) -> AccountSettings {
        func fail(_ message: String) -> ConfigError {
            .syntax(file: file, line: line, message: message)
        }
        var parents: [AccountSettings] = []
        var id = argument
        if let colon = argument.firstIndex(of: UInt8(ascii: ":")) {
            for part in argument[(colon + 1)...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                let parentName = string(Self.trim(Array(part)))
                if parentName.isEmpty { throw fail("missing account name") }
                guard let parent = existing.first(where: { $0.name == parentName }) else {
                    throw fail("account \(parentName) not (yet) defined")
                }
                parents.append(parent)
            }
            id = Self.trim(Array(argument[..<colon]))
        }
        if id.isEmpty { throw fail("missing account name") }
        if id.contains(UInt8(ascii: ":")) || id.contains(UInt8(ascii: ",")) {
            throw fail("an account name must not contain colons or commas")
        }
        let name = string(id)
        if existing.contains(where: { $0.name == name }) {
            throw fail("account \(name) was already defined")
        }
        var account = defaults
        account.name = name
        account.configurationFile = file
        account.explicitlySet = []
        for parent in parents {
            account.override(with: parent)
        }
        return account
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// mpop's `trim_string`: blanks removed at both ends, then one pair of
    /// double quotes if the text both starts and ends with one.
    static func trim(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { !isBlank($0) }),
              let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return []
        }
        if last > first && bytes[first] == UInt8(ascii: "\"") && bytes[last] == UInt8(ascii: "\"") {
            return Array(bytes[(first + 1)..<last])
        }
        return Array(bytes[first...last])
    }

    /// A line's command and argument, or `nil` for a blank or comment line.
    static func split(_ line: [UInt8]) -> (command: [UInt8], argument: [UInt8])? {
        guard let start = line.firstIndex(where: { !isBlank($0) }), line[start] != UInt8(ascii: "#") else {
            return nil
        }
        let end = line[start...].firstIndex(where: isBlank) ?? line.endIndex
        return (Array(line[start..<end]), trim(Array(line[end...])))
    }
}
