import Foundation
import Testing
import TestSupport

/// Our getopt_long option table against mpop 1.4.18's. glibc resolves a
/// long option by prefix, lists an ambiguous prefix's candidates in table
/// order and checks the argument against the entry's `has_arg`, so running
/// both programs on every prefix of every option, and on every option with
/// and without a value, shows every observable difference in the names, the
/// order and the argument requirements of the table.
@Suite struct LongOptionTableTests {
    /// mpop 1.4.18's long options: those its `--help` lists, and the one it
    /// accepts without listing it.
    static func referenceOptions() throws -> [String] {
        let home = try TemporaryDirectory()
        let help = try MpopBinary.reference.run(["--help"], home: home.path).stdout
        let regex = try NSRegularExpression(pattern: #"--([a-z][a-z0-9-]*)"#)
        let names = regex.matches(in: help, range: NSRange(help.startIndex..., in: help)).map {
            String(help[Range($0.range(at: 1), in: help)!])
        }
        var seen: [String] = []
        for name in names + ["tls-force-sslv3"] where !seen.contains(name) {
            seen.append(name)
        }
        return seen
    }

    /// Both programs, started as plain `mpop` found on PATH so that getopt's
    /// messages carry the same program name, with an empty `$HOME`.
    struct Pair {
        let scratch: TemporaryDirectory
        let bins: [String]

        init() throws {
            try Prerequisites.requireReferenceMpop()
            scratch = try TemporaryDirectory(prefix: "mpop-options")
            var bins: [String] = []
            for (name, target) in [("theirs", MpopBinary.reference.path), ("ours", MpopBinary.ours.path)] {
                let bin = try scratch.makeDirectory(name)
                try FileManager.default.createSymbolicLink(atPath: bin + "/mpop", withDestinationPath: target)
                bins.append(bin)
            }
            self.bins = bins
        }

        /// Records an issue when stderr or the exit status differ (stdout
        /// differs on purpose for `--help` and `--version`).
        func expectSame(_ arguments: [String]) throws {
            let results = try bins.map { bin in
                try ProgramRunner.run("mpop", arguments,
                                      environment: ["PATH": bin + ":/usr/bin:/bin", "HOME": scratch.path, "LC_ALL": "C"],
                                      workingDirectory: scratch.path, timeout: 30)
            }
            #expect(results[1].status == results[0].status && results[1].stderr == results[0].stderr,
                    "mpop \(arguments.joined(separator: " ")): theirs \(results[0]) ours \(results[1])")
        }
    }

    @Test func everyPrefixOfEveryOptionResolvesAsInMpop() throws {
        let names = try Self.referenceOptions()
        #expect(names.count == 43, "\(names)")
        var prefixes: [String] = []
        for name in names {
            for length in 1...name.count {
                let prefix = String(name.prefix(length))
                // Prefixes of our own --summary differ on purpose (SummaryOptionTests),
                // and --o, which our --oauth2-* options make ambiguous (Docs/Compatibility.md).
                if !"summary".hasPrefix(prefix) && !"oauth2-".hasPrefix(prefix) && !prefixes.contains(prefix) {
                    prefixes.append(prefix)
                }
            }
        }
        let pair = try Pair()
        for prefix in prefixes {
            try pair.expectSame(["--" + prefix])
        }
    }

    @Test func theOnlyNewPrefixOIsAmbiguousWithOurOAuthOptions() throws {
        let home = try TemporaryDirectory()
        let result = try MpopBinary.ours.run(["--o"], home: home.path)
        #expect(result.status == 64)
        #expect(result.stderr.contains("'--o' is ambiguous; possibilities: '--only-new' '--oauth2-authorize'"), "\(result)")
        #expect(try MpopBinary.ours.run(["--on", "-P", "--host=h", "--delivery=mbox,/dev/null"], home: home.path).status == 0)
    }

    @Test func everyOptionTakesAnArgumentAsInMpop() throws {
        let pair = try Pair()
        for name in try Self.referenceOptions() {
            try pair.expectSame(["--" + name + "=x"])
            try pair.expectSame(["--" + name + "="])
        }
    }
}
