import Foundation
import TestSupport

/// Runs an mpop binary under `/usr/bin/time -f %M` to learn its peak
/// resident set size.
enum MemoryMeasurement {
    static func run(_ binary: MpopBinary, _ arguments: [String], home: TemporaryDirectory,
                    timeout: Double = 60) throws -> (result: RunResult, peakKiB: Int) {
        let report = home.url("time-report")
        let result = try ProgramRunner.run(
            "/usr/bin/time", ["-f", "%M", "-o", report, binary.path] + arguments,
            environment: ["HOME": home.path, "PATH": "/usr/bin:/bin", "LC_ALL": "C", "USER": "mpoptest"],
            timeout: timeout)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let peak = text.split(whereSeparator: \.isNewline).last.flatMap { Int($0) } ?? Int.max
        return (result, peak)
    }
}
