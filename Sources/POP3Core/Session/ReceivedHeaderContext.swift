#if canImport(Glibc)
import Glibc
#endif

/// What the Received header needs to know about this side.
public struct ReceivedHeaderContext {
    public var localCanonicalName: String
    public var localUser: String
    /// Seconds since the epoch, asked once per message.
    public var now: () -> Int

    public init(localCanonicalName: String, localUser: String, now: @escaping () -> Int = { Int(time(nil)) }) {
        self.localCanonicalName = localCanonicalName
        self.localUser = localUser
        self.now = now
    }

    /// This machine and user, found as mpop finds them (once per run,
    /// before the first retrieval): the canonical name of `gethostname()`
    /// (falling back to the plain name, then `localhost`), and `$USER`,
    /// `$LOGNAME`, `getlogin()`, the password entry, or `unknown`.
    public static func local() -> ReceivedHeaderContext {
        ReceivedHeaderContext(localCanonicalName: canonicalHostName(), localUser: userName())
    }

    static func canonicalHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !name.isEmpty else { return "localhost" }
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let result else { return name }
        defer { freeaddrinfo(result) }
        guard let canonical = result.pointee.ai_canonname else { return name }
        let text = String(cString: canonical)
        return text.isEmpty ? name : text
    }

    static func userName() -> String {
        for variable in ["USER", "LOGNAME"] {
            if let value = getenv(variable), value.pointee != 0 { return String(cString: value) }
        }
        if let login = getlogin(), login.pointee != 0 { return String(cString: login) }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }
}
