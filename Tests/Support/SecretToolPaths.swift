import Foundation

/// Two values for `$PATH`, one with `secret-tool` and one without, whatever
/// this machine has installed. Ours decides at run time, from `$PATH`,
/// whether it can reach the key ring; with these a test covers both
/// branches on every machine.
public final class SecretToolPaths: @unchecked Sendable {
    /// A directory holding only a stand-in `secret-tool` that finds nothing.
    public let withSecretTool: String
    /// An empty directory.
    public let withoutSecretTool: String
    private let directory: TemporaryDirectory

    public init() throws {
        directory = try TemporaryDirectory(prefix: "mpop-path")
        withSecretTool = try directory.makeDirectory("with", mode: 0o755)
        withoutSecretTool = try directory.makeDirectory("without", mode: 0o755)
        try directory.write("with/secret-tool", "#!/bin/sh\nexit 1\n", mode: 0o755)
    }
}
