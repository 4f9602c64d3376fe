#if canImport(Glibc)
import Glibc
#endif

/// Where mpop looks for its user configuration, as mpop 1.4.18 does
/// (`tools.c:get_userconfig`): `$HOME/.mpoprc`, unless that does not exist and
/// `$XDG_CONFIG_HOME/mpop/config` (default `~/.config/mpop/config`) does.
public enum ConfigLocation {
    /// `$HOME`, or the home directory from the password database.
    public static func homeDirectory(_ environment: Environment) -> String {
        if let home = environment["HOME"] {
            return home
        }
        if let entry = getpwuid(geteuid()), let dir = entry.pointee.pw_dir {
            return String(cString: dir)
        }
        return "/"
    }

    /// The configuration file mpop reads when no `-C` is given.
    public static func userConfigFile(_ environment: Environment) -> String {
        let home = homeDirectory(environment)
        let classic = joined(home, ".mpoprc")
        if access(classic, F_OK) == 0 {
            return classic
        }
        var xdgBase = joined(home, ".config")
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            xdgBase = xdg
        }
        let xdgFile = joined(joined(xdgBase, "mpop"), "config")
        return access(xdgFile, F_OK) == 0 ? xdgFile : classic
    }

    /// `directory/name`, without doubling a trailing slash.
    public static func joined(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
