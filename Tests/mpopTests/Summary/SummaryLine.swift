import Foundation

/// One line of `--summary=json` output, parsed with Foundation's own JSON
/// parser, so that what ours prints is checked to be valid JSON.
struct SummaryLine: CustomStringConvertible {
    let text: String
    let object: [String: Any]

    /// The keys every line has, in the order they are printed.
    static let keys = ["account", "host", "user", "status", "total", "new", "retrieved", "skipped", "deleted", "bytes"]

    init(_ text: Substring) throws {
        self.text = String(text)
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let object = value as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt, userInfo: [NSDebugDescriptionErrorKey: "not an object: \(text)"])
        }
        self.object = object
    }

    /// Every line of `stdout` that starts with `{`, parsed.
    static func all(in stdout: String) throws -> [SummaryLine] {
        try stdout.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try SummaryLine($0) }
    }

    var description: String { text }

    func string(_ key: String) -> String? { object[key] as? String }
    func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
    func isNull(_ key: String) -> Bool { object[key] is NSNull }
    func has(_ key: String) -> Bool { object[key] != nil }

    /// The keys in the order the line holds them (the values in our tests
    /// hold no `"name":` of their own).
    var orderedKeys: [String] {
        let regex = try! NSRegularExpression(pattern: #""([a-z_]+)":"#)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    /// The line holds only printable ASCII: everything else is escaped.
    var isPrintableASCII: Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
