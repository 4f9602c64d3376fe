/// What mpop does to text from outside (a server, a configuration file)
/// before it shows it: its `sanitize_string`.
public enum Sanitizer {
    /// Replaces every control character (bytes below 32 and 127) with `?`.
    public static func sanitized(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        for i in bytes.indices where bytes[i] < 32 || bytes[i] == 127 {
            bytes[i] = UInt8(ascii: "?")
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }
}
