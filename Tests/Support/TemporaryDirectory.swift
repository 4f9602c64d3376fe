import Foundation

/// A directory under the system's temporary directory, removed by ``remove()``
/// (or when the object goes away).
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String
    private var removed = false

    public init(prefix: String = "mpop-test") throws {
        var template = Array((NSTemporaryDirectory() + "/\(prefix).XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        path = String(cString: created)
    }

    /// `path/relative`.
    public func url(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    /// Writes `contents` to `relative` (creating parent directories) with `mode`.
    @discardableResult
    public func write(_ relative: String, _ contents: String, mode: Int = 0o600) throws -> String {
        try write(relative, Data(contents.utf8), mode: mode)
    }

    @discardableResult
    public func write(_ relative: String, _ contents: Data, mode: Int = 0o600) throws -> String {
        let file = url(relative)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try contents.write(to: URL(fileURLWithPath: file))
        chmod(file, mode_t(mode))
        return file
    }

    public func makeDirectory(_ relative: String, mode: Int = 0o700) throws -> String {
        let dir = url(relative)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: mode])
        return dir
    }

    /// Creates `relative` as a maildir (`cur`, `new`, `tmp`).
    public func makeMaildir(_ relative: String) throws -> String {
        for sub in ["cur", "new", "tmp"] {
            _ = try makeDirectory(relative + "/" + sub)
        }
        return url(relative)
    }

    public func remove() {
        guard !removed else { return }
        removed = true
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit {
        remove()
    }
}
