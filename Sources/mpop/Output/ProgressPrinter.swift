import POP3Core

/// Retrieval progress (§4.3). On a terminal it is mpop's exact byte stream:
/// `retrieving message I of N (SIZE):   0%` then `%3d` with backspaces, then
/// `100`. When stdout is not a terminal (cron, systemd, a pipe) it prints
/// the same line without backspaces and intermediate percentages, which
/// mpop does not do: its `\b` sequences clutter logs.
final class ProgressPrinter {
    let terminal: Bool
    let write: (String) -> Void

    init(terminal: Bool, write: @escaping (String) -> Void = { Console.out($0) }) {
        self.terminal = terminal
        self.write = write
    }

    func start(number: Int, of count: Int, size: Int64) {
        var text = "retrieving message \(number) of \(count)"
        if size > 0 { text += " (\(HumanSize.format(size)))" }
        text += ": "
        if terminal { text += "  0%\u{8}\u{8}\u{8}\u{8}" }
        write(text)
    }

    func progress(percent: Int) {
        guard terminal else { return }
        let digits = String(percent)
        write(String(repeating: " ", count: max(0, 3 - digits.count)) + digits + "\u{8}\u{8}\u{8}")
    }

    func finish() {
        write("100\n")
    }

    func abort() {
        write("\n")
    }
}
