#if canImport(Glibc)
import Glibc
#endif

/// One message being written to a maildir's `tmp/`; see ``MaildirSink``.
final class MaildirWriter: DirectoryFileWriter {
    /// Errors of `link(2)` that mean "this file system has no hard links
    /// here" rather than "this went wrong"; `rename(2)` works there.
    static let linkRefusals: Set<Int32> = [EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, ENOSYS, EMLINK]

    private let name: String

    init(directory: DeliveryDirectory, fd: Int32, name: String, encoder: LineEncoder) {
        self.name = name
        super.init(directory: directory, fd: fd, workingPath: "tmp/" + name, encoder: encoder)
    }

    /// Links `tmp/NAME` to `new/NAME` and unlinks the first, or renames it
    /// where the file system refuses hard links.
    override func publish() throws -> String {
        let final = "new/" + name
        let dir = directory.descriptor
        if directory.calls.linkat(dir, workingPath, final) == 0 {
            unlinkat(dir, workingPath, 0)
        } else {
            let linkError = errno
            guard Self.linkRefusals.contains(linkError), renameat(dir, workingPath, dir, final) == 0 else {
                fail()
                throw DeliveryError.cannotLink(directory: directory.path, from: workingPath, to: final,
                                               errno: linkError)
            }
        }
        return final
    }

    /// The file `new/NAME` under the maildir's absolute path, with the size
    /// the complete message has in `tmp/`.
    override func prepareCommit() throws -> DeliveryProof? {
        try finishWriting()
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var base = directory.path
        if !base.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else { return nil }
            let cwd = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
            base = String(decoding: cwd, as: UTF8.self) + "/" + base
        }
        return DeliveryProof(path: base + "/new/" + name, size: Int64(info.st_size))
    }
}
