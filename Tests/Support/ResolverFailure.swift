import Foundation

/// A resolver that always fails, through an `LD_PRELOAD` library that
/// replaces `getaddrinfo` with one returning a chosen `EAI_*` code: the way
/// a name server that does not answer (`EAI_AGAIN`) or a name that does not
/// exist (`EAI_NONAME`) looks to the program, with no network at all.
public enum ResolverFailure {
    /// `EAI_AGAIN`: "Temporary failure in name resolution".
    public static let temporary: Int32 = EAI_AGAIN
    /// `EAI_NONAME`: "Name or service not known".
    public static let noSuchName: Int32 = EAI_NONAME

    /// The environment that makes every `getaddrinfo` in a program fail with `code`.
    public static func environment(code: Int32) throws -> [String: String] {
        ["LD_PRELOAD": try library(), "MPOP_GETADDRINFO_FAILURE": String(code)]
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: String?

    /// Builds the library on first use, into the temporary directory under
    /// a name that changes with its source.
    static func library() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in cSource.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let output = NSTemporaryDirectory() + "/mpop-resolver-\(String(hash, radix: 16)).so"
        if !FileManager.default.fileExists(atPath: output) {
            let directory = try TemporaryDirectory(prefix: "mpop-resolver")
            let source = try directory.write("resolver.c", cSource)
            let compiler = try FaultInjection.cCompiler()
            let result = try ProgramRunner.run(compiler, ["-shared", "-fPIC", "-o", directory.url("resolver.so"), source],
                                               environment: ["PATH": "/usr/bin:/bin"])
            guard result.status == 0 else {
                throw MissingPrerequisite(program: "\(compiler) (it failed to build the resolver library: \(result.stderr))",
                                          package: "libc6-dev")
            }
            guard Foundation.rename(directory.url("resolver.so"), output) == 0 else {
                throw POSIXError(.init(rawValue: Foundation.errno) ?? .EIO)
            }
        }
        built = output
        return output
    }

    private static let cSource = #"""
        #include <netdb.h>
        #include <stdlib.h>

        int getaddrinfo(const char *node, const char *service,
                        const struct addrinfo *hints, struct addrinfo **res)
        {
            const char *code = getenv("MPOP_GETADDRINFO_FAILURE");
            (void)node; (void)service; (void)hints;
            *res = NULL;
            return code ? atoi(code) : EAI_AGAIN;
        }
        """#
}
