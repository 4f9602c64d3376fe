#if canImport(Glibc)
import Glibc
#endif

/// Cuts the torn message that a run killed in the middle of an mbox
/// delivery left at the end of the file, before anything else is appended:
/// otherwise a reader sees the next message glued onto the partial one.
///
/// Only what is provably ours is cut. The journal holds, for each write of
/// the message, the CRC-32 of each piece of it (``AppendIntent``); a killed
/// write leaves a prefix of its pieces. So, from the message's start, the
/// pieces whose bytes still match are ours, and the first that does not
/// match is where ours ends:
///
/// - nothing of ours matches: the file was changed since (truncated back by
///   the writer itself, or rewritten by a mail reader); nothing is done;
/// - ours runs to the end of the file: the message is cut off
///   (`ftruncate` to its start, then `fsync`);
/// - more follows ours: another program appended mail after the torn
///   message. That mail is never touched; the torn message stays where it
///   is, and the caller is told so.
enum MboxRepair {
    enum Outcome: Equatable {
        /// No byte of the message is there any more (or the file is gone).
        case nothingOfOurs
        /// The torn message, `bytes` long, was cut off.
        case cut(bytes: Int64)
        /// `bytes` of a torn message at `offset` are followed by others'
        /// mail, and were left in place.
        case leftInPlace(offset: Int64, bytes: Int64)
    }

    /// Repairs the mbox of one message's append records (in order; all of
    /// one message and one mbox), holding the mbox's lock meanwhile.
    /// - Throws: ``DeliveryError`` when the mbox cannot be opened, locked,
    ///   cut or synced.
    static func repair(_ intents: [AppendIntent], lockTimeout: Int = 10,
                       cancellation: Cancellation = .never) throws(DeliveryError) -> Outcome {
        guard let first = intents.first else { return .nothingOfOurs }
        guard let fd = try openLocked(first.path, lockTimeout: lockTimeout, cancellation: cancellation) else {
            return .nothingOfOurs
        }
        defer { close(fd) }
        // Read through the locked descriptor: closing any other descriptor
        // of the file would drop the lock.
        let size = Int64(lseek(fd, 0, SEEK_END))
        let ours = provenEnd(of: intents, in: FileStretch(fd: fd), size: size)
        return try cut(fd, path: first.path, from: first.messageStart, oursUpTo: ours, size: size)
    }

    /// After a crash of the machine: cuts the mbox back to the start of
    /// the message of the first of `intents` (the appends of deliveries
    /// whose records the crash took and whose messages will be fetched
    /// again, in order), when everything from there to the end of the file
    /// is provably theirs. A crash of the machine leaves any of a write's
    /// pages, not only a prefix: a piece that reads as zeros was ours and
    /// lost, and the file may end inside a piece. It may also take the
    /// journal line that announced a write: the gap before the next
    /// announced write is ours all the same, since the records are one
    /// run's appends, made in order under its lock.
    /// - Throws: ``DeliveryError`` as ``repair(_:lockTimeout:)``.
    static func cutUnrecorded(_ intents: [AppendIntent], lockTimeout: Int = 10,
                              cancellation: Cancellation = .never) throws(DeliveryError) -> Outcome {
        guard let first = intents.first else { return .nothingOfOurs }
        guard let fd = try openLocked(first.path, lockTimeout: lockTimeout, cancellation: cancellation) else {
            return .nothingOfOurs
        }
        defer { close(fd) }
        let size = Int64(lseek(fd, 0, SEEK_END))
        let reader = FileStretch(fd: fd)
        var end = first.messageStart
        walk: for intent in intents {
            guard intent.start >= end else { break }
            if intent.start >= size {
                end = max(end, size)
                break
            }
            end = intent.start
            for (piece, checksum) in zip(intent.pieces, intent.pieceChecksums) {
                if piece.upperBound > size {
                    end = max(end, size)
                    break walk
                }
                let count = piece.upperBound - piece.lowerBound
                let found = reader.checksumKeepingOpen(from: piece.lowerBound, count: count)
                guard found == checksum || found == zeroChecksum(count) else { break walk }
                end = piece.upperBound
            }
        }
        return try cut(fd, path: first.path, from: first.messageStart, oursUpTo: end, size: size)
    }

    /// After a crash of the machine in the middle of a batch: cuts the
    /// mbox back to where the batch began, when nobody changed the file
    /// since the machine came back (its ctime, which no program can set,
    /// is older than `bootTime`): then everything after the batch's start
    /// was written before the crash, by the run that held the lock from
    /// that point on. `nil` when that cannot be shown (changed since, or
    /// no boot time): the caller falls back to the append records.
    /// - Throws: ``DeliveryError`` when the mbox cannot be opened, locked,
    ///   cut or synced.
    static func cutCrashedBatch(_ batch: MboxBatch, bootTime: Int?, lockTimeout: Int = 10,
                                cancellation: Cancellation = .never) throws(DeliveryError) -> Outcome? {
        guard let bootTime else { return nil }
        guard let fd = try openLocked(batch.path, lockTimeout: lockTimeout, cancellation: cancellation) else {
            return .nothingOfOurs
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_ctim.tv_sec < bootTime else { return nil }
        let size = Int64(info.st_size)
        guard size > batch.offset else { return .nothingOfOurs }
        return try cut(fd, path: batch.path, from: batch.offset, oursUpTo: size, size: size)
    }

    /// Cuts the file at `start` when what is ours runs from there to its
    /// end; says what it did.
    private static func cut(_ fd: Int32, path: String, from start: Int64, oursUpTo ours: Int64,
                            size: Int64) throws(DeliveryError) -> Outcome {
        if ours <= start {
            return .nothingOfOurs
        }
        if ours < size {
            return .leftInPlace(offset: start, bytes: ours - start)
        }
        guard ftruncate(fd, off_t(start)) == 0 else { throw .outputError(path: path, errno: errno) }
        guard fsync(fd) == 0 else { throw .cannotSync(path: path, errno: errno) }
        return .cut(bytes: size - start)
    }

    /// The CRC-32 of `count` zero bytes.
    private static func zeroChecksum(_ count: Int64) -> UInt32 {
        [UInt8](repeating: 0, count: Int(count)).withUnsafeBytes { CRC32.checksum($0) }
    }

    /// The mbox at `path` opened for writing and locked, or `nil` when it
    /// is gone or not a regular file.
    private static func openLocked(_ path: String, lockTimeout: Int,
                                   cancellation: Cancellation) throws(DeliveryError) -> Int32? {
        let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .cannotOpen(path: path, errno: errno)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .cannotOpen(path: path, errno: code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return nil
        }
        do throws(FileLock.Failure) {
            try FileLock.lockForWriting(fd, seconds: lockTimeout, cancellation: cancellation)
        } catch {
            close(fd)
            throw .locking(error, path: path, seconds: lockTimeout)
        }
        return fd
    }

    /// Where the provably ours part of the message ends: after the last of
    /// the consecutive pieces, from the message's start, whose bytes match.
    static func provenEnd(of intents: [AppendIntent], in reader: FileStretch, size: Int64) -> Int64 {
        var end = intents[0].messageStart
        for intent in intents {
            guard intent.start == end else { return end }
            for (piece, checksum) in zip(intent.pieces, intent.pieceChecksums) {
                guard piece.upperBound <= size,
                      reader.checksumKeepingOpen(from: piece.lowerBound, count: piece.upperBound - piece.lowerBound)
                        == checksum else { return end }
                end = piece.upperBound
            }
        }
        return end
    }
}
