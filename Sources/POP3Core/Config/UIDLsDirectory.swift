#if canImport(Glibc)
import Glibc
#endif

/// The directories above a UIDLs file, created as mpop's
/// `mpop.c:make_needed_dirs` creates them: every missing component with
/// mode 0700, in retrieval mode only and never with `-P`; unlike mpop, each
/// new one's directory is synced.
public enum UIDLsDirectory {
    /// Creates the missing directories above `uidlsFile`.
    /// - Throws: ``ConfigError/cannotCreateDirectories(path:reason:)`` (74)
    ///   when a component exists but is not a directory, or `stat`/`mkdir` fails.
    public static func create(for uidlsFile: String) throws(ConfigError) {
        let bytes = Array(uidlsFile.utf8)
        guard !bytes.isEmpty else { return }
        var index = 1
        while let slash = bytes[index...].firstIndex(of: UInt8(ascii: "/")) {
            let directory = String(decoding: bytes[..<slash], as: UTF8.self)
            var info = stat()
            if stat(directory, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR {
                    throw .cannotCreateDirectories(
                        path: uidlsFile, reason: "a component already exists but is not a directory")
                }
            } else if errno != ENOENT {
                throw failure(uidlsFile)
            } else if mkdir(directory, 0o700) != 0 {
                throw failure(uidlsFile)
            } else {
                // Its name durable, or a power loss takes the UIDLs file
                // and journal in it however well they were synced; a
                // failure here costs at most a second download.
                _ = FileSystem.syncDirectory(FileSystem.directory(of: directory))
            }
            index = slash + 1
        }
    }

    private static func failure(_ path: String) -> ConfigError {
        let reason = errno == ENOTDIR
            ? "a component already exists but is not a directory"
            : String(cString: strerror(errno))
        return .cannotCreateDirectories(path: path, reason: reason)
    }
}
