import CSupport
import POP3Core

extension Environment {
    /// This process's variables, read once at the start; the library gets
    /// them from here.
    static func ofThisProcess() -> Environment {
        var entries: [String] = []
        if var entry = csupport_environ() {
            while let text = entry.pointee {
                entries.append(String(cString: text))
                entry += 1
            }
        }
        return Environment(entries: entries)
    }
}
