#if canImport(Glibc)
import Glibc
#endif
import POP3Core

extension Environment {
    /// The variables of this process that the library reads, read once at
    /// the start (copying the whole environment cost more than a tenth of
    /// `mpop --version`'s time).
    static func ofThisProcess() -> Environment {
        var environment = Environment()
        for name in namesRead {
            if let value = getenv(name) {
                environment[name] = String(cString: value)
            }
        }
        return environment
    }
}
