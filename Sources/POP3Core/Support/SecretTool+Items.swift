#if canImport(Glibc)
import Glibc
#endif

extension SecretTool {
    /// The secret stored under `attributes` (`secret-tool lookup`), or `nil`:
    /// not found, no D-Bus, no answer within `timeoutSeconds`, or no
    /// `secret-tool` at `path`. Its complaints are not shown.
    public static func lookup(_ path: String, attributes: [(String, String)], timeoutSeconds: Int = 30) -> String? {
        let result = SpawnedProgram.run(path, ["lookup"] + attributes.flatMap { [$0.0, $0.1] },
                                        timeoutSeconds: timeoutSeconds)
        guard let result, result.status == 0, !result.output.isEmpty else { return nil }
        return String(decoding: result.output, as: UTF8.self)
    }

    /// Stores `secret` under `attributes` with `label` (`secret-tool store`,
    /// the secret on its standard input, never on its command line), replacing
    /// an item with the same attributes.
    /// - Returns: whether `secret-tool` said it stored it.
    public static func store(_ path: String, label: String, attributes: [(String, String)], secret: Secret) -> Bool {
        guard case .success(let ends) = Spawn.makePipe() else { return false }
        // Written before the child starts, while this side still holds the
        // read end: a secret-tool that exits without reading cannot raise
        // SIGPIPE, and a secret far below the pipe's 64 KiB never blocks.
        let written = FileSystem.writeAll(ends.write, Array(secret.exposedValue.utf8))
        close(ends.write)
        let started = Spawn.start(path, ["store", "--label=" + label] + attributes.flatMap { [$0.0, $0.1] },
                                  stdin: .descriptor(ends.read), stdout: .null, stderr: .null)
        close(ends.read)
        guard case .success(let pid) = started else { return false }
        guard case .exited(0) = Spawn.reap(pid), case .success = written else { return false }
        return true
    }
}
