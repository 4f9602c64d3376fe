import Foundation

/// Builds a small `LD_PRELOAD` library from C source on first use, into the
/// temporary directory under a name that changes with its source, so that
/// parallel test runs share one build.
enum PreloadLibrary {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [String: String] = [:]

    /// The path of the library built from `source`.
    /// - Throws: ``MissingPrerequisite`` when no C compiler can build it.
    static func path(name: String, source: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path = built[source] { return path }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let output = NSTemporaryDirectory() + "/mpop-\(name)-\(String(hash, radix: 16)).so"
        if !FileManager.default.fileExists(atPath: output) {
            let directory = try TemporaryDirectory(prefix: "mpop-\(name)")
            let file = try directory.write("\(name).c", source)
            let compiler = try FaultInjection.cCompiler()
            let result = try ProgramRunner.run(compiler, ["-shared", "-fPIC", "-o", directory.url("\(name).so"), file],
                                               environment: ["PATH": "/usr/bin:/bin"])
            guard result.status == 0 else {
                throw MissingPrerequisite(program: "\(compiler) (it failed to build the \(name) library: \(result.stderr))",
                                          package: "libc6-dev")
            }
            guard Foundation.rename(directory.url("\(name).so"), output) == 0 else {
                throw POSIXError(.init(rawValue: Foundation.errno) ?? .EIO)
            }
        }
        built[source] = output
        return output
    }
}
