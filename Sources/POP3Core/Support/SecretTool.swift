#if canImport(Glibc)
import Glibc
#endif

/// The `secret-tool` program (libsecret-tools), through which mpop in Swift
/// reaches the Gnome key ring without linking libsecret.
public enum SecretTool {
    /// The full path of `secret-tool` on `$PATH`, or `nil`.
    public static var path: String? {
        guard let pathVariable = getenv("PATH") else { return nil }
        for directory in String(cString: pathVariable).split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(directory) + "/secret-tool"
            if access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    public static var isAvailable: Bool { path != nil }
}
