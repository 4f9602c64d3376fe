import Foundation
import TestSupport

/// Runs an mpop binary under `/usr/bin/time -f %M` to learn its peak
/// resident set size. `timeout -s KILL` sits between the two, so that a
/// binary that hangs is killed itself, not only the `time` above it (the
/// peak still counts: `time` reports the largest of the process tree).
enum MemoryMeasurement {
    static func run(_ binary: MpopBinary, _ arguments: [String], home: TemporaryDirectory,
                    timeout: Int = 50) throws -> (result: RunResult, peakKiB: Int) {
        try Prerequisites.require("/usr/bin/time", package: "time")
        try Prerequisites.require("/usr/bin/timeout", package: "coreutils")
        let report = home.url("time-report")
        let result = try ProgramRunner.run(
            "/usr/bin/time",
            ["-f", "%M", "-o", report, "/usr/bin/timeout", "-s", "KILL", String(timeout), binary.path] + arguments,
            environment: ["HOME": home.path, "PATH": "/usr/bin:/bin", "LC_ALL": "C", "USER": "mpoptest"],
            timeout: Double(timeout + 10))
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let peak = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) } ?? Int.max
        return (result, peak)
    }
}
