import Foundation
import TestSupport

/// A private HOME with `~/.mpoprc` (account `test`, no TLS, USER/PASS, a
/// maildir), for running ours or the reference mpop against a hostile
/// server on 127.0.0.1.
final class HostileAccount: @unchecked Sendable {
    let home: TemporaryDirectory
    let maildir: String
    let binary: MpopBinary

    init(_ binary: MpopBinary = .ours) throws {
        self.binary = binary
        home = try TemporaryDirectory(prefix: "mpop-hostile")
        maildir = try home.makeMaildir("Mail")
    }

    /// Writes the configuration for `port`, plus `extra` lines.
    func configure(port: Int, timeout: Int = 20, extra: String = "") throws {
        try home.write(".mpoprc", """
            account test
            host 127.0.0.1
            port \(port)
            tls off
            auth user
            user joe
            password pw
            timeout \(timeout)
            delivery maildir \(maildir)
            \(extra)

            """)
    }

    struct Outcome: CustomStringConvertible {
        var result: RunResult
        /// Peak resident set size in KiB, as `/usr/bin/time -f %M` reports it.
        var peakKiB: Int?
        var description: String { "\(result) peak=\(peakKiB.map { "\($0) KiB" } ?? "?")" }
        var status: Int32 { result.status }
        var stderr: String { result.stderr }
    }

    /// Runs the binary; with `measure`, under `/usr/bin/time` (package `time`).
    func run(_ arguments: [String] = ["-q", "test"], measure: Bool = false, timeout: Double = 60) throws -> Outcome {
        guard measure else {
            return Outcome(result: try binary.run(arguments, home: home.path, environment: Self.sanitizerOptions,
                                                  timeout: timeout), peakKiB: nil)
        }
        try Prerequisites.require("/usr/bin/time", package: "time")
        let report = home.url("time.out")
        let environment = ["HOME": home.path, "PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C",
                           "USER": "mpoptest", "TZ": "UTC"].merging(Self.sanitizerOptions) { $1 }
        let result = try ProgramRunner.run("/usr/bin/time", ["-f", "%M", "-o", report, binary.path] + arguments,
                                           environment: environment, timeout: timeout)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let peak = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return Outcome(result: result, peakKiB: peak)
    }

    /// The sanitizer settings of Scripts/sanitizers, passed on to the
    /// instrumented mpop when the suite runs under a sanitizer.
    static var sanitizerOptions: [String: String] {
        ProcessInfo.processInfo.environment.filter { $0.key == "ASAN_OPTIONS" || $0.key == "TSAN_OPTIONS" }
    }

    /// The `X-UID` of every delivered message, sorted (a UID twice means a duplicate).
    var deliveredUIDs: [String] {
        files(in: "new").compactMap { text in
            text.split(separator: "\n").first { $0.hasPrefix("X-UID: ") }
                .map { String($0.dropFirst(7)).trimmingCharacters(in: .whitespacesAndNewlines) }
        }.sorted()
    }

    /// The delivered messages' full texts.
    func files(in folder: String) -> [String] {
        let directory = maildir + "/" + folder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.map { String(decoding: FileManager.default.contents(atPath: directory + "/" + $0) ?? Data(), as: UTF8.self) }
    }

    /// Names left in `tmp/` (a partial message that was never committed).
    var leftoverTemporaryFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: maildir + "/tmp")) ?? []
    }
}
