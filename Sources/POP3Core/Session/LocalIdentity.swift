#if canImport(Glibc)
import Glibc
#endif

/// This side of the conversation as the Received header names it
/// (mpop 1.4.18 `pop3_write_received_header` and `get_username`).
public enum LocalIdentity {
    /// The canonical name of this host: `AI_CANONNAME` of `gethostname()`,
    /// else the plain host name, else `localhost`. mpop asks once per run.
    public static func canonicalHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0, buffer[0] != 0 else {
            return "localhost"
        }
        let hostName = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(hostName, nil, &hints, &result) == 0, let first = result else {
            return hostName
        }
        defer { freeaddrinfo(result) }
        if let canonical = first.pointee.ai_canonname, canonical.pointee != 0 {
            return String(cString: canonical)
        }
        return hostName
    }

    /// The local user: `$USER`, `$LOGNAME`, `getlogin()`, the password
    /// database, else `unknown` (unsanitised; the Received header sanitises).
    public static func userName(_ environment: Environment) -> String {
        for variable in ["USER", "LOGNAME"] {
            if let value = environment[variable], !value.isEmpty {
                return value
            }
        }
        if let login = getlogin(), login.pointee != 0 {
            return String(cString: login)
        }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "unknown"
    }
}
