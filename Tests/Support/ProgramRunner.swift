import Foundation

/// What a finished program left behind.
public struct RunResult: Sendable, CustomStringConvertible {
    public var stdout: String
    public var stderr: String
    public var status: Int32
    /// True when the program was killed for running past its time limit.
    public var timedOut: Bool

    public var description: String {
        "exit \(status)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Runs a program with its output in files (no pipe can fill up), stdin from
/// a given string or /dev/null, and a time limit.
public enum ProgramRunner {
    public static func run(_ executable: String, _ arguments: [String],
                           environment: [String: String],
                           stdin: String? = nil,
                           workingDirectory: String? = nil,
                           timeout: Double = 60) throws -> RunResult {
        let scratch = try TemporaryDirectory(prefix: "mpop-run")
        let outPath = scratch.url("stdout"), errPath = scratch.url("stderr"), inPath = scratch.url("stdin")
        try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: inPath))

        let child = try ChildProcess(executable, arguments, environment: environment,
                                     stdin: stdin == nil ? "/dev/null" : inPath,
                                     stdout: outPath, stderr: errPath,
                                     workingDirectory: workingDirectory)
        let (status, timedOut) = child.wait(timeout: timeout)
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return RunResult(stdout: stdout, stderr: stderr, status: status, timedOut: timedOut)
    }
}

/// An mpop binary, ours or the Debian reference, run with a private `$HOME`.
public struct MpopBinary: Sendable {
    public let path: String

    /// The `mpop` built beside this test bundle, or the one that
    /// `MPOP_TEST_BINARY` names (to show that a new test fails on an
    /// older build).
    public static var ours: MpopBinary {
        if let path = ProcessInfo.processInfo.environment["MPOP_TEST_BINARY"], !path.isEmpty {
            return MpopBinary(path: path)
        }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // The test bundle is `.build/<triple>/debug/mpopPackageTests.xctest`,
        // possibly with a nested path inside it; walk up to the build folder.
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("mpop").path) {
            directory = directory.deletingLastPathComponent()
        }
        return MpopBinary(path: directory.appendingPathComponent("mpop").path)
    }

    /// Debian's `/usr/bin/mpop` 1.4.18.
    public static let reference = MpopBinary(path: "/usr/bin/mpop")

    /// Upstream mpop 1.4.23, the second reference: the one that
    /// `MPOP_UPSTREAM_BINARY` names, else `.build/upstream-mpop/bin/mpop`
    /// in this package, where `build-upstream-mpop .build/upstream-mpop`
    /// (beside the release tarball) puts it.
    /// Built on first need when `../shared/reference` is beside the package.
    /// - Throws: ``MissingPrerequisite`` when it is not there and cannot be built.
    public static func upstream() throws -> MpopBinary {
        var path = ProcessInfo.processInfo.environment["MPOP_UPSTREAM_BINARY"] ?? ""
        if path.isEmpty {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            path = root.appendingPathComponent(".build/upstream-mpop/bin/mpop").path
        }
        if !FileManager.default.isExecutableFile(atPath: path) {
            _ = builtUpstream
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingPrerequisite(program: path,
                                      remedy: "../shared/reference/build-upstream-mpop .build/upstream-mpop "
                                          + "(Scripts/test does it)")
        }
        return MpopBinary(path: path)
    }

    /// Builds upstream's 1.4.23 into `.build/upstream-mpop` from the release
    /// tarball in `../shared/reference` (about 30 s), once per test run,
    /// when a test needs it and `swift test` ran without `Scripts/test`.
    private static let builtUpstream: Void = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = root.deletingLastPathComponent().appendingPathComponent("shared/reference/build-upstream-mpop")
        guard FileManager.default.fileExists(atPath: script.path) else { return }
        _ = try? ProgramRunner.run("/bin/bash", [script.path, root.appendingPathComponent(".build/upstream-mpop").path],
                                   environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"],
                                   workingDirectory: root.path, timeout: 600)
    }()

    public init(path: String) {
        self.path = path
    }

    /// Runs mpop with `HOME=home`, the C locale and a minimal PATH, plus `environment`.
    /// With a `launcher` (such as `unshare -m /bin/sh script`), its first
    /// element is run with the rest, mpop's path and `arguments` as arguments.
    public func run(_ arguments: [String], home: String, environment: [String: String] = [:],
                    stdin: String? = nil, workingDirectory: String? = nil,
                    launcher: [String] = [], timeout: Double = 60) throws -> RunResult {
        if self.path == MpopBinary.reference.path {
            try Prerequisites.requireReferenceMpop()
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingPrerequisite(program: path, remedy: "swift build")
        }
        var env = [
            "HOME": home,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LC_ALL": "C",
            "USER": "mpoptest",
            "TZ": "UTC",
        ]
        env.merge(environment) { $1 }
        let command = launcher + [path] + arguments
        return try ProgramRunner.run(command[0], Array(command.dropFirst()), environment: env, stdin: stdin,
                                     workingDirectory: workingDirectory, timeout: timeout)
    }
}
