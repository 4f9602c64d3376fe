import Foundation

/// Files and directories in memory: what a directory held before a run,
/// or what a crash could leave of it (see ``CrashStates``). Each file or
/// directory is an object with a number; directories map names to numbers,
/// so two names of one file (a hard link) are two entries with one number.
public struct FileTree: Sendable {
    public struct Object: Sendable {
        public var isDirectory: Bool
        public var mode: UInt16
        /// A file's bytes.
        public var content: [UInt8] = []
        /// A directory's entries.
        public var entries: [String: Int] = [:]
    }

    public var objects: [Int: Object]
    /// The number of the top directory.
    public let root: Int

    public init(objects: [Int: Object], root: Int) {
        self.objects = objects
        self.root = root
    }

    /// Reads the directory at `path`: everything under it, files with
    /// their bytes. Returns the tree and the object number of each inode.
    /// - Throws: for anything that is neither a file nor a directory (a
    ///   symbolic link, a FIFO), which the crash model does not know.
    public static func scan(_ path: String) throws -> (tree: FileTree, inodes: [UInt64: Int]) {
        var objects: [Int: Object] = [:]
        var inodes: [UInt64: Int] = [:]
        func visit(_ path: String) throws -> Int {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            let inode = UInt64(info.st_ino)
            if let known = inodes[inode] { return known }
            let number = inodes.count
            inodes[inode] = number
            let mode = UInt16(info.st_mode & 0o7777)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                var object = Object(isDirectory: true, mode: mode)
                for name in try FileManager.default.contentsOfDirectory(atPath: path) {
                    object.entries[name] = try visit(path + "/" + name)
                }
                objects[number] = object
            case S_IFREG:
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw MessageFailure("cannot read \(path)")
                }
                objects[number] = Object(isDirectory: false, mode: mode, content: [UInt8](data))
            default:
                throw MessageFailure("\(path) is neither a file nor a directory")
            }
            return number
        }
        let root = try visit(path)
        return (FileTree(objects: objects, root: root), inodes)
    }

    /// Replaces everything under the directory at `path` with the tree's
    /// contents (the directory itself stays); hard links stay hard links.
    public func write(to path: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            try FileManager.default.removeItem(atPath: path + "/" + name)
        }
        var written: [Int: String] = [:]
        func fill(_ directory: Object, at path: String) throws {
            for (name, number) in directory.entries.sorted(by: { $0.key < $1.key }) {
                guard let object = objects[number] else { continue }
                let target = path + "/" + name
                if object.isDirectory {
                    guard mkdir(target, mode_t(object.mode)) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
                    chmod(target, mode_t(object.mode))
                    try fill(object, at: target)
                } else if let first = written[number] {
                    guard link(first, target) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
                } else {
                    let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(object.mode))
                    guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
                    defer { close(fd) }
                    var offset = 0
                    while offset < object.content.count {
                        let count = object.content[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                        guard count > 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
                        offset += count
                    }
                    fchmod(fd, mode_t(object.mode))
                    written[number] = target
                }
            }
        }
        try fill(objects[root]!, at: path)
    }

    /// A digest of what the tree holds (names, kinds, modes, bytes, which
    /// names share a file): two trees with the same fingerprint are the
    /// same state for a program that reads them.
    public var fingerprint: Fingerprint {
        var hasher = Fingerprint.Hasher()
        var seen: [Int: Int] = [:]
        func visit(_ number: Int) {
            guard let object = objects[number] else {
                hasher.add("missing")
                return
            }
            if let first = seen[number] {
                hasher.add("link \(first)")
                return
            }
            seen[number] = seen.count
            hasher.add(object.isDirectory ? "dir \(object.mode)" : "file \(object.mode) \(object.content.count)")
            if object.isDirectory {
                for (name, child) in object.entries.sorted(by: { $0.key < $1.key }) {
                    hasher.add("entry \(name)")
                    visit(child)
                }
                hasher.add("end")
            } else {
                hasher.add(object.content)
            }
        }
        visit(root)
        return hasher.value
    }

    /// The file at `relativePath` (components separated by `/`), if any.
    public func file(at relativePath: String) -> [UInt8]? {
        var number = root
        for component in relativePath.split(separator: "/") {
            guard let object = objects[number], object.isDirectory,
                  let next = object.entries[String(component)] else { return nil }
            number = next
        }
        guard let object = objects[number], !object.isDirectory else { return nil }
        return object.content
    }
}

extension FileTree.Object {
    /// Writes `data` at `offset`, growing the file with zeros as needed
    /// (copies by `memcpy`: the tests run unoptimized).
    mutating func write(_ data: [UInt8], at offset: Int) {
        if content.count < offset + data.count {
            content += [UInt8](repeating: 0, count: offset + data.count - content.count)
        }
        content.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                guard let base = source.baseAddress else { return }
                (target.baseAddress! + offset).copyMemory(from: base, byteCount: source.count)
            }
        }
    }

    mutating func resize(to length: Int) {
        if content.count > length {
            content = Array(content[..<length])
        } else if content.count < length {
            content += [UInt8](repeating: 0, count: length - content.count)
        }
    }
}
