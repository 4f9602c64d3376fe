#if canImport(Glibc)
import Glibc
#endif

/// The entries of a `.netrc` file, as far as mpop uses them: a password for
/// a `machine` and `login`.
///
/// Tokens are separated by white space; a token may be double-quoted, with
/// `\` escaping the next character. `macdef` bodies (up to an empty line)
/// are skipped. `default` entries are read but never match, as in mpop.
public struct NetrcFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// `nil` for the `default` entry.
        public var machine: String?
        public var login: String?
        public var password: String?
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Parses the text of a netrc file. Unknown keywords are skipped.
    public init(text: String) {
        var entries: [Entry] = []
        var tokens = NetrcFile.tokens(of: text)[...]
        while let token = tokens.popFirst() {
            switch token {
            case "machine":
                entries.append(Entry(machine: tokens.popFirst() ?? ""))
            case "default":
                entries.append(Entry(machine: nil))
            case "login", "user":
                let value = tokens.popFirst()
                if !entries.isEmpty { entries[entries.count - 1].login = value }
            case "password", "passwd":
                let value = tokens.popFirst()
                if !entries.isEmpty { entries[entries.count - 1].password = value }
            case "account":
                _ = tokens.popFirst()
            default:
                break
            }
        }
        self.entries = entries
    }

    /// Reads a file; `nil` when it cannot be read.
    public init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        self.init(text: String(decoding: bytes, as: UTF8.self))
    }

    /// The password of the first entry whose `machine` is exactly `host` and
    /// whose `login` is `user` or absent.
    public func password(host: String, user: String) -> String? {
        entries.first { $0.machine == host && ($0.login == nil || $0.login == user) }?.password
    }

    private static func tokens(of text: String) -> [String] {
        var result: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            let lineTokens = tokens(ofLine: Array(line.utf8))
            if lineTokens.first == "macdef" {
                // A macro body runs to the next empty line.
                while let body = lines.popFirst(), !body.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {}
                continue
            }
            result.append(contentsOf: lineTokens)
        }
        return result
    }

    private static func tokens(ofLine bytes: [UInt8]) -> [String] {
        var tokens: [String] = []
        var i = 0
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 11 || b == 12 }
        while i < bytes.count {
            while i < bytes.count && isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            if bytes[i] == UInt8(ascii: "#") && tokens.isEmpty { break }
            var token: [UInt8] = []
            let quoted = bytes[i] == UInt8(ascii: "\"")
            if quoted { i += 1 }
            while i < bytes.count {
                let b = bytes[i]
                if quoted ? b == UInt8(ascii: "\"") : isSpace(b) {
                    i += 1
                    break
                }
                if b == UInt8(ascii: "\\") && i + 1 < bytes.count {
                    i += 1
                }
                token.append(bytes[i])
                i += 1
            }
            tokens.append(String(decoding: token, as: UTF8.self))
        }
        return tokens
    }
}
