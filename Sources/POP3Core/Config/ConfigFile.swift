#if canImport(Glibc)
import Glibc
#endif

/// Reads a configuration file from disk as mpop's `conf.c:get_conf` does:
/// open, parse, then, if the file holds a literal `password` line, insist
/// that it is owned by the user and readable by no one else.
public enum ConfigFile {
    /// The accounts of `path`, in file order.
    /// - Parameters:
    ///   - path: the file name, used as given in messages and in each account.
    ///   - home: the directory a leading `~` stands for.
    /// - Throws: ``ConfigError``: open and read errors, the first syntax
    ///   error, `eval` failures, and the permission check.
    public static func load(_ path: String, home: String,
                            evaluate: @escaping ConfigFileParser.Evaluator = { command throws(ShellCommand.Failure) in
                                try ShellCommand.firstLine(of: command)
                            }) throws(ConfigError) -> [AccountSettings] {
        let bytes = try read(path)
        let parser = ConfigFileParser(file: path, home: home, evaluate: evaluate)
        let contents = try parser.parse(bytes)
        if contents.containsSecrets {
            try checkPermissions(path)
        }
        return contents.accounts
    }

    static func read(_ path: String) throws(ConfigError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                // mpop reads up to the failure first; a directory fails at once.
                throw .inputError(file: path)
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return bytes
    }

    /// `tools.c:check_secure`: owned by the effective user, and no bits
    /// beyond user read and write (so 0700 fails too).
    public static func checkPermissions(_ path: String) throws(ConfigError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .cannotStat(file: path, reason: String(cString: strerror(errno)))
        }
        if info.st_uid != geteuid() {
            throw .notOwned(file: path)
        }
        if info.st_mode & (S_IXUSR | S_IRWXG | S_IRWXO) != 0 {
            throw .tooPermissive(file: path)
        }
    }
}
