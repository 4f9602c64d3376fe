#if canImport(Glibc)
import Glibc
#endif

/// The `secret-tool` program (libsecret-tools), through which mpop in Swift
/// reaches the Gnome key ring without linking libsecret.
public enum SecretTool {
    /// The full path of `secret-tool` on `$PATH`, or `nil`.
    public static func path(_ environment: Environment) -> String? {
        guard let pathVariable = environment["PATH"] else { return nil }
        for directory in pathVariable.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(directory) + "/secret-tool"
            if access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    public static func isAvailable(_ environment: Environment) -> Bool {
        path(environment) != nil
    }
}
