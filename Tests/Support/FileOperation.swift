import Foundation

/// One record of an ``OperationRecorder`` log: a change to the files under
/// the recorded directory, the start or end of a sync, or a moment of the
/// POP3 session that decides what the server may have done. Files and
/// directories are named by inode number (a new file by the one it got), so
/// that a file keeps its identity across links and renames.
public enum FileOperation: Equatable, Sendable {
    /// A new file `name` in the directory `parent` (`open` with `O_CREAT`, `mkstemp`).
    case create(inode: UInt64, parent: UInt64, name: String, mode: UInt16)
    /// A new directory `name` in `parent`.
    case makeDirectory(inode: UInt64, parent: UInt64, name: String, mode: UInt16)
    /// `data` written at `offset` (`write`, `pwrite`).
    case write(inode: UInt64, offset: Int, data: [UInt8])
    /// The file cut or grown to `length` (`ftruncate`, `O_TRUNC`).
    case truncate(inode: UInt64, length: Int)
    /// Space reserved (`posix_fallocate`): the file grows to at least `offset + length`.
    case allocate(inode: UInt64, offset: Int, length: Int)
    /// A second name `name` in `parent` for the file.
    case link(inode: UInt64, parent: UInt64, name: String)
    /// The file moved from `fromName` in `fromParent` to `toName` in `toParent`.
    case rename(inode: UInt64, fromParent: UInt64, fromName: String, toParent: UInt64, toName: String)
    /// The name `name` in `parent` removed.
    case unlink(inode: UInt64, parent: UInt64, name: String)
    /// A sync started: `fsync` or `fdatasync` of the file or directory
    /// `inode`, or `sync` of everything (`inode` 0).
    case syncStarted(id: String, call: String, inode: UInt64)
    /// The sync `id` returned; `error` is its `errno`, 0 for success.
    case syncEnded(id: String, error: Int32)
    /// The client is about to send `QUIT`: from here the server may have
    /// ended the session its way (deleting what was marked).
    case quitSent
    /// The reply to `QUIT` arrived: the server has ended the session.
    case quitAnswered

    /// Whether the operation changes files (and a crash may lose it).
    public var isChange: Bool {
        switch self {
        case .create, .makeDirectory, .write, .truncate, .allocate, .link, .rename, .unlink: true
        case .syncStarted, .syncEnded, .quitSent, .quitAnswered: false
        }
    }

    /// The records of a log.
    /// - Throws: ``MessageFailure`` for a record it does not know, such as
    ///   a call the recorder saw but cannot model.
    public static func parse(_ log: Data) throws -> [FileOperation] {
        let bytes = [UInt8](log)
        var operations: [FileOperation] = []
        var start = 0
        while start < bytes.count {
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw MessageFailure("the operation log ends inside a record")
            }
            let line = String(decoding: bytes[start..<end], as: UTF8.self)
            start = end + 1
            let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            func number<Number: FixedWidthInteger>(_ index: Int, radix: Int = 10) throws -> Number {
                guard index < fields.count, let value = Number(fields[index], radix: radix) else {
                    throw MessageFailure("a bad operation record: \(line)")
                }
                return value
            }
            func rest(_ index: Int) throws -> String {
                guard index < fields.count else { throw MessageFailure("a bad operation record: \(line)") }
                return fields[index...].joined(separator: " ")
            }
            switch fields[0] {
            case "create":
                operations.append(.create(inode: try number(1), parent: try number(2), name: try rest(4),
                                          mode: try number(3, radix: 8)))
            case "mkdir":
                operations.append(.makeDirectory(inode: try number(1), parent: try number(2), name: try rest(4),
                                                 mode: try number(3, radix: 8)))
            case "write":
                let count: Int = try number(3)
                guard start + count <= bytes.count else { throw MessageFailure("the operation log ends inside a write") }
                operations.append(.write(inode: try number(1), offset: try number(2),
                                         data: Array(bytes[start..<(start + count)])))
                start += count
            case "truncate":
                operations.append(.truncate(inode: try number(1), length: try number(2)))
            case "allocate":
                operations.append(.allocate(inode: try number(1), offset: try number(2), length: try number(3)))
            case "link":
                operations.append(.link(inode: try number(1), parent: try number(2), name: try rest(3)))
            case "rename":
                let names = try rest(4).split(separator: "\t", maxSplits: 1).map(String.init)
                guard names.count == 2 else { throw MessageFailure("a bad operation record: \(line)") }
                operations.append(.rename(inode: try number(1), fromParent: try number(2), fromName: names[0],
                                          toParent: try number(3), toName: names[1]))
            case "unlink":
                operations.append(.unlink(inode: try number(1), parent: try number(2), name: try rest(3)))
            case "syncstart":
                guard fields.count == 4 else { throw MessageFailure("a bad operation record: \(line)") }
                operations.append(.syncStarted(id: fields[1], call: fields[2], inode: try number(3)))
            case "syncend":
                guard fields.count == 3 else { throw MessageFailure("a bad operation record: \(line)") }
                operations.append(.syncEnded(id: fields[1], error: try number(2)))
            case "quit-sent":
                operations.append(.quitSent)
            case "quit-answered":
                operations.append(.quitAnswered)
            default:
                throw MessageFailure("an operation the crash model does not know: \(line)")
            }
        }
        return operations
    }
}
