#if canImport(Glibc)
import Glibc
#endif

/// The few blocking POSIX file operations the UIDLs file needs, each
/// retried on EINTR and reporting `errno` on failure.
enum FileSystem {
    /// An `errno` value, as an `Error`.
    struct Errno: Error, Equatable {
        let code: Int32
        init(_ code: Int32) { self.code = code }
    }

    /// Reads everything from `fd`, from its current offset to the end.
    static func readAll(_ fd: Int32) -> Result<[UInt8], Errno> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if n == 0 { return .success(bytes) }
            bytes += chunk[..<n]
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Result<Void, Errno> {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// ``writeAll(_:_:)-([UInt8])`` for bytes in place.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Result<Void, Errno> {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            offset += n
        }
        return .success(())
    }

    /// The directory part of `path` (`.` when there is none).
    static func directory(of path: String) -> String {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
    }

    /// Makes the directory entries in `directory` durable (after a create,
    /// rename or unlink there).
    static func syncDirectory(_ directory: String) -> Result<Void, Errno> {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Errno(errno)) }
        defer { close(fd) }
        // Some file systems cannot sync a directory; that is no failure of ours.
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            return .failure(Errno(errno))
        }
        return .success(())
    }

    /// Whether `fd` is still the file that `path` names (another process
    /// may have renamed a new file over it).
    static func isSameFile(_ fd: Int32, _ path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }
}
