import Foundation

/// Copies of a directory tree that keep modes and owners (a server's
/// maildir belongs to its mail user), for putting a mailbox back as it was.
public enum DirectoryCopy {
    /// Copies the directory `source` to `destination`, which must not exist.
    /// - Throws: for anything that is neither a file nor a directory.
    public static func copy(_ source: String, to destination: String) throws {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(destination, 0o700) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            for name in try FileManager.default.contentsOfDirectory(atPath: source) {
                try copy(source + "/" + name, to: destination + "/" + name)
            }
        case S_IFREG:
            guard let data = FileManager.default.contents(atPath: source) else {
                throw MessageFailure("cannot read \(source)")
            }
            guard FileManager.default.createFile(atPath: destination, contents: data) else {
                throw MessageFailure("cannot write \(destination)")
            }
        default:
            throw MessageFailure("\(source) is neither a file nor a directory")
        }
        lchown(destination, info.st_uid, info.st_gid)
        chmod(destination, info.st_mode & 0o7777)
    }

    /// Replaces the directory `destination` with a copy of `source`.
    public static func replace(_ destination: String, with source: String) throws {
        if FileManager.default.fileExists(atPath: destination) {
            try FileManager.default.removeItem(atPath: destination)
        }
        try copy(source, to: destination)
    }
}
