/// Finds a message's envelope sender in its header, as mpop 1.4.18's
/// `pop3_retr_get_from_addr` does (for mbox `From ` lines and `%F`).
///
/// The first physical line of a `Return-Path:` or `Sender:` field (any case,
/// no unfolding) that yields an address wins; `From:` is never used; the
/// fallback is `MAILER-DAEMON`. The address skips `(comments)`, `"quoted
/// strings"` and `\` escapes, prefers `<...>`, stops at `,` or `;`, and is
/// then sanitised for a shell: `[A-Za-z0-9.@_+/-]` stay, whitespace becomes
/// `-`, anything else `_`.
public struct EnvelopeSender {
    /// The fallback when no header yields an address.
    public static let fallback = "MAILER-DAEMON"

    /// The address found so far, if any.
    public private(set) var address: String?

    public init() {}

    /// The result: the address found, or ``fallback``.
    public var result: String { address ?? Self.fallback }

    /// Looks at one physical header line (without line ending); lines after
    /// the first hit are ignored.
    public mutating func consider(line: UnsafeRawBufferPointer) {
        guard address == nil, let first = line.first else { return }
        // Most header lines end here: neither name starts with their letter.
        let initial = Self.lowercased(first)
        guard initial == UInt8(ascii: "r") || initial == UInt8(ascii: "s") else { return }
        for name in [Self.returnPath, Self.sender] where Self.hasPrefix(line, name) {
            if let found = Self.address(inFieldValue: line[name.utf8CodeUnitCount...]) { address = found }
            return
        }
    }

    private static let returnPath: StaticString = "return-path:"
    private static let sender: StaticString = "sender:"

    /// Whether `line` starts with `name` (lower case), in any case.
    private static func hasPrefix(_ line: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard line.count >= name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { pattern in
            for index in 0..<pattern.count where lowercased(line[index]) != pattern[index] {
                return false
            }
            return true
        }
    }

    /// Convenience for tests and whole headers.
    public static func extract(fromHeaderLines lines: [String]) -> String {
        var scanner = EnvelopeSender()
        for line in lines {
            var line = line
            line.withUTF8 { scanner.consider(line: UnsafeRawBufferPointer($0)) }
        }
        return scanner.result
    }

    /// The sanitised address in a field value, or `nil` when it is empty.
    static func address(inFieldValue value: some Collection<UInt8>) -> String? {
        var outside: [UInt8] = []
        outside.reserveCapacity(value.count)
        var bracketed: [UInt8] = []
        var sawBrackets = false
        var inBrackets = false
        var commentDepth = 0
        var inQuotes = false
        var escaped = false
        scan: for byte in value {
            if escaped {
                escaped = false
                if inBrackets {
                    bracketed.append(byte)
                } else if commentDepth == 0 && !inQuotes {
                    outside.append(byte)
                }
                continue
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            if inQuotes {
                if byte == UInt8(ascii: "\"") { inQuotes = false }
                continue
            }
            if commentDepth > 0 {
                if byte == UInt8(ascii: "(") { commentDepth += 1 }
                if byte == UInt8(ascii: ")") { commentDepth -= 1 }
                continue
            }
            if inBrackets {
                if byte == UInt8(ascii: ">") { break scan }
                bracketed.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inQuotes = true
            case UInt8(ascii: "("): commentDepth = 1
            case UInt8(ascii: "<"):
                inBrackets = true
                sawBrackets = true
                bracketed.reserveCapacity(value.count)
            case UInt8(ascii: ","), UInt8(ascii: ";"): break scan
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 10, 13: continue
            default: outside.append(byte)
            }
        }
        let chosen = sawBrackets ? bracketed : outside
        guard !chosen.isEmpty else { return nil }
        return sanitized(chosen)
    }

    /// Replaces unsafe bytes: whitespace by `-`, other specials by `_`.
    public static func sanitized(_ bytes: [UInt8]) -> String {
        var out = bytes
        for i in out.indices {
            let byte = out[i]
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: "_"), UInt8(ascii: "+"),
                 UInt8(ascii: "/"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: " "), 9, 10, 11, 12, 13:
                out[i] = UInt8(ascii: "-")
            default:
                out[i] = UInt8(ascii: "_")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte + 32 : byte
    }
}
