#if canImport(Glibc)
import Glibc
#endif
import Auth
import POP3Core
import TLSGnu

/// The text of `mpop --version`, in mpop 1.4.18's layout, with the library
/// versions and the SASL mechanisms asked from the libraries at run time.
enum VersionText {
    /// The mpop release whose behaviour this program reproduces.
    static let compatibleVersion = "1.4.18"
    /// This implementation's own version.
    static let implementationVersion = "0.1.0"

    /// Methods in mpop's order; GNU SASL decides at run time which of the
    /// library-backed ones are there.
    static let methodOrder = [
        "user", "plain", "scram-sha-1", "scram-sha-256", "external", "gssapi", "apop",
        "cram-md5", "digest-md5", "login", "ntlm", "oauthbearer", "xoauth2",
    ]
    static let builtInMethods: Set<String> = ["user", "apop", "oauthbearer", "xoauth2"]

    static var platform: String {
        #if arch(x86_64)
        return "x86_64-pc-linux-gnu"
        #elseif arch(arm64)
        return "aarch64-unknown-linux-gnu"
        #else
        return "unknown-linux-gnu"
        #endif
    }

    /// - Parameter keyRing: whether `secret-tool` is there.
    static func text(configurationFile: String, keyRing: Bool) -> String {
        let methods = methodOrder.filter {
            builtInMethods.contains($0) || GSASLLibrary.supportsClient($0.uppercased())
        }
        let keyring = keyRing ? "Gnome (secret-tool) " : "none"
        return """
            mpop version \(compatibleVersion) (mpop in Swift \(implementationVersion))
            Platform: \(platform)
            TLS/SSL library: GnuTLS \(GnuTLSLibrary.version)
            Authentication library: GNU SASL \(GSASLLibrary.version); user, apop, oauthbearer, xoauth2: built-in
            Supported authentication methods:
            \(methods.map { $0 + " " }.joined())
            IDN support: disabled
            NLS: disabled
            Keyring support: \(keyring)
            Configuration file name: \(configurationFile)

            Copyright (C) 2026 the mpop in Swift authors; mpop (C) Martin Lambers and others.
            This is free software.  You may redistribute copies of it under the terms of
            the GNU General Public License <http://www.gnu.org/licenses/gpl.html>.
            There is NO WARRANTY, to the extent permitted by law.

            """
    }
}
