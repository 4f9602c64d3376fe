import Foundation

/// Private namespaces made by `unshare`, in which a test may mount a file
/// system, listen on a privileged port or replace `/etc/resolv.conf`
/// without touching the machine. Root needs nothing more; anyone else maps
/// itself to root in a new user namespace first (`unshare -r`), which
/// Debian 12 allows by default. Containers may forbid both.
public enum PrivateNamespaces {
    /// The `unshare` options for a private mount namespace, or `nil`.
    public static let mount: [String]? = options(["-m"])
    /// The `unshare` options for a private network namespace, or `nil`.
    public static let network: [String]? = options(["-n"])
    /// The `unshare` options for private network and mount namespaces, or `nil`.
    public static let networkAndMount: [String]? = options(["-n", "-m"])

    private static func options(_ kinds: [String]) -> [String]? {
        let candidates = geteuid() == 0 ? [kinds, ["-r"] + kinds] : [["-r"] + kinds]
        return candidates.first { options in
            (try? ProgramRunner.run("/usr/bin/unshare", options + ["/bin/true"], environment: [:], timeout: 10))?
                .status == 0
        }
    }
}
