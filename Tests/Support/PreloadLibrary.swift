import Foundation

/// Builds an `LD_PRELOAD` library from C source kept in a Swift string (see
/// ``FaultInjection`` and ``OperationRecorder``), with the C compiler that
/// comes with the Swift toolchain (or `cc`), into a file named after a hash
/// of its source: processes of later test runs reuse it, and a changed
/// source gets a new file.
enum PreloadLibrary {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [String: String] = [:]

    /// The path of the library built from `source`; `name` goes into the
    /// file's name, for a person who finds it.
    static func build(name: String, source: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path = built[source] { return path }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let output = NSTemporaryDirectory() + "/\(name)-\(String(hash, radix: 16)).so"
        if !FileManager.default.fileExists(atPath: output) {
            let directory = try TemporaryDirectory(prefix: name)
            let file = try directory.write("\(name).c", source)
            let compiler = try cCompiler()
            let result = try ProgramRunner.run(compiler, ["-shared", "-fPIC", "-O2", "-o", directory.url("library.so"),
                                                          file, "-ldl", "-lpthread"],
                                               environment: ["PATH": "/usr/bin:/bin"])
            guard result.status == 0 else {
                throw MissingPrerequisite(program: "\(compiler) (it failed to build \(name): \(result.stderr))",
                                          package: "libc6-dev")
            }
            guard Foundation.rename(directory.url("library.so"), output) == 0 else {
                throw POSIXError(.init(rawValue: Foundation.errno) ?? .EIO)
            }
        }
        built[source] = output
        return output
    }

    /// clang from the Swift toolchain that runs the tests, else `cc`.
    private static func cCompiler() throws -> String {
        var candidates: [String] = []
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/clang")
        }
        candidates += ["/opt/swift/usr/bin/clang", "/usr/bin/cc", "/usr/bin/gcc"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw MissingPrerequisite(program: "a C compiler (clang from the Swift toolchain, or cc)", package: "gcc")
    }
}
