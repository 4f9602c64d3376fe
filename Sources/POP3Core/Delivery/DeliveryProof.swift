#if canImport(Glibc)
import Glibc
#endif

/// Evidence, checkable by a later run, that one message was delivered: the
/// file its commit creates and that file's size.
///
/// Why: between a delivery's commit and the fsynced journal record of its
/// UID there is a window; a SIGKILL (or power loss) in it used to make the
/// message look new again, so the next run fetched it twice. The engine
/// now writes the UID with this proof to the journal *before* the commit,
/// and the next run counts it as delivered exactly when the proof holds.
///
/// For an mbox the message is a stretch of a shared file instead: the proof
/// names where it starts and the CRC-32 of its bytes, and holds when the
/// file still has exactly those bytes there.
public struct DeliveryProof: Equatable, Sendable {
    /// Absolute path of the file the commit creates (for a maildir,
    /// `DIR/new/NAME`), or of the mbox the message was appended to.
    public var path: String
    /// Its size in bytes once complete (in an mbox: the message's size).
    public var size: Int64
    /// In an mbox: where the message starts.
    public var offset: Int64?
    /// In an mbox: the CRC-32 of the message's bytes.
    public var checksum: UInt32?
    /// For a delivery agent: the pid of its supervisor, which writes the
    /// agent's wait status to ``path`` (the outcome file) when it ends.
    public var supervisor: pid_t?

    /// The proof of a delivery agent's run: its outcome file, written by
    /// `supervisor`.
    public init(outcomeFile: String, supervisor: pid_t) {
        self.init(path: outcomeFile, size: 0)
        self.supervisor = supervisor
    }

    public init(path: String, size: Int64, offset: Int64? = nil, checksum: UInt32? = nil) {
        self.path = path
        self.size = size
        self.offset = offset
        self.checksum = checksum
    }

    /// Whether the file is there with its full size. For a maildir a reader
    /// may since have moved `new/NAME` to `cur/NAME:2,FLAGS`; that counts too.
    /// For an mbox, whether the bytes at ``offset`` have ``checksum``.
    public func holds() -> Bool {
        if let supervisor {
            return AgentOutcome.read(path, supervisor: supervisor) == 0
        }
        if let offset, let checksum {
            return FileStretch(path: path)?.checksum(from: offset, count: size) == checksum
        }
        if Self.size(of: path) == size { return true }
        let slash = path.lastIndex(of: "/")
        guard let slash else { return false }
        let directory = String(path[..<slash]), name = String(path[path.index(after: slash)...])
        guard directory.hasSuffix("/new") else { return false }
        let cur = String(directory.dropLast(4)) + "/cur"
        guard let dir = opendir(cur) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if entryName == name || entryName.hasPrefix(name + ":") {
                if Self.size(of: cur + "/" + entryName) == size { return true }
            }
        }
        return false
    }

    /// For a maildir file: `DIR/tmp/NAME`, where the message is written and
    /// waits for its batch's sync before it is moved to `DIR/new/NAME`.
    var maildirWorkingPath: String? {
        guard offset == nil, supervisor == nil, let slash = path.lastIndex(of: "/") else { return nil }
        let directory = path[..<slash]
        guard directory.hasSuffix("/new") else { return nil }
        return String(directory.dropLast(4)) + "/tmp" + String(path[slash...])
    }

    /// Finishes what a killed run left half done: a complete maildir file
    /// still in `tmp/`, whose batch's sync never ran, is moved to `new/`
    /// (the caller then syncs it, since the kernel alone holds its bytes).
    /// Does nothing when the proof already holds or the file is not whole.
    func finishPublication() {
        guard let working = maildirWorkingPath, !holds() else { return }
        var info = stat()
        guard lstat(working, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int64(info.st_size) == size else {
            return
        }
        if link(working, path) == 0 {
            unlink(working)
        } else if CommittedFiles.linkRefusals.contains(errno) {
            _ = rename(working, path)
        }
    }

    private static func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
