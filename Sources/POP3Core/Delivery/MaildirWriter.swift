#if canImport(Glibc)
import Glibc
#endif

/// One message being written to a maildir's `tmp/`; see ``MaildirSink``.
final class MaildirWriter: DirectoryFileWriter {
    private let name: String

    init(directory: DeliveryDirectory, fd: Int32, name: String, encoder: LineEncoder) {
        self.name = name
        super.init(directory: directory, fd: fd, workingPath: "tmp/" + name, encoder: encoder)
    }

    /// `new/NAME`: the batch's sync links the file there (or renames it,
    /// where the file system has no hard links) once its bytes are on disk.
    override var destination: String? {
        "new/" + name
    }

    /// A maildir without `new/` fails at its first message, with the error
    /// mpop's `link` gives there, rather than after the batch was fetched.
    /// Checked once per sink: a `new/` that goes away later fails the
    /// batch's link with the same error.
    override func checkDestination() throws {
        guard !directory.destinationChecked else { return }
        var info = stat()
        var code: Int32 = 0
        if fstatat(directory.descriptor, "new", &info, 0) != 0 {
            code = errno
        } else if info.st_mode & S_IFMT != S_IFDIR {
            code = ENOTDIR
        }
        guard code != 0 else {
            directory.destinationChecked = true
            return
        }
        fail()
        throw DeliveryError.cannotLink(directory: directory.path, from: workingPath, to: "new/" + name, errno: code)
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
