#if canImport(Glibc)
import Glibc
#endif

/// Appends to a file by copying into a shared memory mapping of space
/// reserved ahead of the data with `posix_fallocate`. An append is a `memcpy`
/// into the kernel's page cache: no system call, yet the bytes outlive the
/// process the moment the copy ends (SIGKILL included), exactly like a
/// `write` that returned, and `fdatasync` on the file makes them durable.
/// The journal appends one record per delivered message, and a `write` per
/// record cost more than the rest of the bookkeeping together.
///
/// The reserved space reads as zero bytes. While the file is open it runs
/// on past ``end`` with zeros; ``close()`` cuts it back, and a reader of a
/// file left by a killed process must stop at the zeros (``logicalEnd(of:size:)``
/// finds where they start).
///
/// Where the file system cannot reserve space or map the file, appends fall
/// back to `pwrite` at ``end``; so does one where a whole step of space
/// cannot be reserved (`ENOSPC`, `EDQUOT`), since a write needs only its own
/// bytes. Space is reserved before it is mapped, so a full disk is never a
/// SIGBUS on a page.
struct MappedAppender {
    let fd: Int32
    /// Where the next byte goes; the data is everything before it.
    private(set) var end: off_t
    /// The file's size, the zero tail included.
    private var size: off_t
    private var mapping: UnsafeMutableRawPointer?
    private var mapOffset: off_t = 0
    private var mapLength = 0
    /// Set once reserving or mapping failed: `pwrite` from then on.
    private var usesWrites: Bool

    /// How much is reserved and mapped at a time.
    static let reserveStep = 64 * 1024
    private static let pageSize = off_t(sysconf(Int32(_SC_PAGESIZE)))

    /// Appends to `fd` (open read-write, without `O_APPEND`) from `end`;
    /// the file is `size` bytes long. With `mapping` false every append is
    /// a `pwrite` (the tests use this for the fallback).
    init(fd: Int32, end: off_t, size: off_t, mapping: Bool = true) {
        self.fd = fd
        self.end = end
        self.size = size
        usesWrites = !mapping
    }

    /// Appends `bytes`; returns 0, or the `errno` of what failed (then
    /// nothing of `bytes` counts as written).
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard bytes.count > 0 else { return 0 }
        if !usesWrites,
           end < mapOffset || end + off_t(bytes.count) > mapOffset + off_t(mapLength) || mapping == nil {
            let error = remap(toHold: bytes.count)
            if error != 0 { return error }
        }
        if let mapping, !usesWrites {
            (mapping + Int(end - mapOffset)).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            end += off_t(bytes.count)
            return 0
        }
        var written = 0
        while written < bytes.count {
            let count = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, end + off_t(written))
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += count
        }
        end += off_t(written)
        size = max(size, end)
        return 0
    }

    /// Takes back everything appended from `offset` on, as if it had never
    /// been written: the bytes become zeros again (the tail a reader stops
    /// at), in the mapping when it holds them, else by `pwrite`, and the
    /// next append goes to `offset`. Like an append, this outlives the
    /// process at once. Returns 0, or the `errno` of the write that failed
    /// (then the bytes may still be there).
    mutating func withdraw(to offset: off_t) -> Int32 {
        precondition(offset >= 0 && offset <= end, "withdraw(to:) past the end")
        var start = offset
        if let mapping, !usesWrites, end <= mapOffset + off_t(mapLength) {
            let mapped = max(start, mapOffset)
            (mapping + Int(mapped - mapOffset)).initializeMemory(as: UInt8.self, repeating: 0,
                                                               count: Int(end - mapped))
            if mapped == start {
                end = start
                return 0
            }
            end = mapped
        }
        let zeros = [UInt8](repeating: 0, count: 4096)
        while start < end {
            let count = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress!, min($0.count, Int(end - start)), start) }
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            start += off_t(count)
        }
        end = offset
        return 0
    }

    /// Reserves and maps a window from the page that holds ``end`` that
    /// has room for `count` more bytes. Returns an `errno` only for a
    /// failure that a `pwrite` would meet too (no space, I/O error);
    /// otherwise it switches to writes and returns 0.
    private mutating func remap(toHold count: Int) -> Int32 {
        unmap()
        let offset = end - end % Self.pageSize
        let needed = Int(end - offset) + count
        let length = (needed + Self.reserveStep - 1) / Self.reserveStep * Self.reserveStep
        if offset + off_t(length) > size {
            var error: Int32
            repeat {
                error = posix_fallocate(fd, offset, off_t(length))
            } while error == EINTR
            if error != 0 {
                if error == EIO || error == EFBIG {
                    return error
                }
                // No room for a whole step (a nearly full disk, a user near
                // their quota), or no fallocate at all: writes need only the
                // bytes themselves, and meet the real limit if there is one.
                usesWrites = true
                return 0
            }
            size = offset + off_t(length)
        }
        let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset)
        guard let address, address != MAP_FAILED else {
            usesWrites = true
            return 0
        }
        mapping = address
        mapOffset = offset
        mapLength = length
        return 0
    }

    private mutating func unmap() {
        if let mapping {
            munmap(mapping, mapLength)
        }
        mapping = nil
        mapLength = 0
    }

    /// Unmaps the window and cuts the zero tail off the file; the caller
    /// closes `fd`.
    mutating func close() {
        unmap()
        if size > end {
            _ = ftruncate(fd, end)
            size = end
        }
    }

    /// Where the data of a file of `size` bytes ends: before its trailing
    /// zero bytes, which a process killed while appending leaves behind.
    /// Returns `nil` when reading fails (`errno` says why).
    static func logicalEnd(of fd: Int32, size: off_t) -> off_t? {
        var end = size
        var chunk = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let wanted = Int(end - start)
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, start) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            guard count == wanted else { return end }
            if let last = chunk[..<count].lastIndex(where: { $0 != 0 }) {
                return start + off_t(last) + 1
            }
            end = start
        }
        return 0
    }
}
