#if canImport(Glibc)
import Glibc
#endif

/// Reads stretches of a file to check them against checksums recorded when
/// they were written (see ``DeliveryProof`` and ``AppendIntent``).
struct FileStretch {
    let fd: Int32

    /// Opens `path` for reading; `nil` when it cannot be opened.
    init?(path: String) {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
    }

    /// Reads through an open descriptor (not closed here).
    init(fd: Int32) {
        self.fd = fd
        ownsDescriptor = false
    }

    private var ownsDescriptor = true

    func close() {
        if ownsDescriptor { Glibc.close(fd) }
    }

    /// The CRC-32 of the `count` bytes from `offset`, or `nil` when the file
    /// ends before them or cannot be read.
    func checksum(from offset: Int64, count: Int64) -> UInt32? {
        defer { close() }
        return checksumKeepingOpen(from: offset, count: count)
    }

    /// ``checksum(from:count:)`` without closing the descriptor.
    func checksumKeepingOpen(from offset: Int64, count: Int64) -> UInt32? {
        var crc = CRC32()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var position = offset
        let end = offset + count
        while position < end {
            let wanted = Int(min(Int64(buffer.count), end - position))
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(position)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            buffer.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            position += Int64(got)
        }
        return crc.value
    }
}
