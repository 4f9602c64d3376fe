#if canImport(Glibc)
import Glibc
#endif

/// The system calls of the file sinks that tests make fail on purpose (a
/// full disk in the middle of an mbox message, a file system that refuses
/// hard links). Each follows the C convention: -1 and `errno` on failure.
struct FileSystemCalls: Sendable {
    var write: @Sendable (_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int
    var linkat: @Sendable (_ directory: Int32, _ from: String, _ to: String) -> Int32
    var fsync: @Sendable (_ fd: Int32) -> Int32

    static let system = FileSystemCalls(
        write: { fd, bytes, count in Glibc.write(fd, bytes, count) },
        linkat: { directory, from, to in Glibc.linkat(directory, from, directory, to, 0) },
        fsync: { fd in Glibc.fsync(fd) })

    /// Writes all of `bytes` to `fd`, retrying after EINTR and short writes,
    /// and adds what it wrote to `count`, also when it fails.
    /// Returns 0, or the `errno` of the failed write.
    func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, count: inout Int) -> Int32 {
        guard var base = bytes.baseAddress else { return 0 }
        var left = bytes.count
        while left > 0 {
            let written = write(fd, base, left)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            left -= written
            base += written
            count += written
        }
        return 0
    }

    /// `writeAll` of a whole buffer.
    func writeAll(_ fd: Int32, _ buffer: OutputBuffer) -> Int32 {
        var count = 0
        return writeAll(fd, buffer, count: &count)
    }

    /// `writeAll` of a whole buffer, counting what was written.
    func writeAll(_ fd: Int32, _ buffer: OutputBuffer, count: inout Int) -> Int32 {
        buffer.withUnsafeBytes { writeAll(fd, $0, count: &count) }
    }
}
