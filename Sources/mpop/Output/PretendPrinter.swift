import POP3Core

/// The configuration block `-P` and `-d` print for each account
/// (`mpop.c:main`, "print configuration"), byte for byte as mpop 1.4.18.
enum PretendPrinter {
    /// The block for one account: the `using account` line when it came from
    /// a file, then a line per setting in table order (``Setting``), the
    /// delivery and retrieval settings only in retrieval mode.
    static func text(for account: Account, retrieval: Bool) -> String {
        var lines: [String] = []
        if let name = account.name, let file = account.configurationFile {
            lines.append("using account \(name) from \(file)")
        }
        for setting in Setting.allCases {
            let definition = setting.definition
            if retrieval || !definition.retrievalOnly, let line = definition.pretendLine(for: account) {
                lines.append(line)
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Prints the blocks of all accounts to stdout, in order.
    static func print(_ accounts: [Account], retrieval: Bool) {
        Console.out(accounts.map { text(for: $0, retrieval: retrieval) }.joined())
    }
}
