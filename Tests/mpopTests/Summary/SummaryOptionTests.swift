import Foundation
import Testing
import TestSupport

/// `--summary` on the command line: its values, and what adding a long
/// option does to glibc's prefix matching compared with mpop 1.4.18.
@Suite struct SummaryOptionTests {
    /// Runs both binaries as `mpop` found on PATH, so getopt's messages
    /// carry the same program name.
    static func runBoth(_ arguments: [String]) throws -> (ours: RunResult, theirs: RunResult) {
        try Prerequisites.requireReferenceMpop()
        let scratch = try TemporaryDirectory(prefix: "mpop-summary-bins")
        var results: [RunResult] = []
        for (name, target) in [("ours", MpopBinary.ours.path), ("theirs", MpopBinary.reference.path)] {
            let bin = try scratch.makeDirectory(name)
            try FileManager.default.createSymbolicLink(atPath: bin + "/mpop", withDestinationPath: target)
            results.append(try ProgramRunner.run("mpop", arguments,
                                                 environment: ["PATH": bin + ":/usr/bin:/bin", "HOME": scratch.path,
                                                               "LC_ALL": "C"],
                                                 workingDirectory: scratch.path, timeout: 30))
        }
        return (results[0], results[1])
    }

    @Test func anUnknownValueIsAUsageError() throws {
        let home = try TemporaryDirectory()
        for value in ["xml", "", "JSON", "on"] {
            let result = try MpopBinary.ours.run(["--summary=\(value)", "--host=localhost"], home: home.path)
            #expect(result.status == 64, "\(value): \(result)")
            #expect(result.stderr == "mpop: invalid argument \(value) for --summary\n", "\(result)")
            #expect(result.stdout == "")
        }
    }

    /// `--s` was ambiguous in mpop and still is; glibc lists the candidates
    /// in table order, and ours come after mpop's (`--summary`, then the
    /// fetch log's `--syslog`, then `--simultaneous-accounts`).
    @Test func anAmbiguousPrefixListsSummaryLast() throws {
        let (ours, theirs) = try Self.runBoth(["--s"])
        #expect(ours.status == 64 && theirs.status == 64)
        #expect(theirs.stderr.hasSuffix("'--socket'\n"), "\(theirs)")
        #expect(ours.stderr == theirs.stderr.dropLast() + " '--summary' '--syslog' '--simultaneous-accounts'\n", "\(ours)")
    }

    /// Prefixes that do not reach `--summary` behave exactly as in mpop.
    @Test func otherPrefixesAreUnchanged() throws {
        for prefix in ["--so", "--st", "--sk", "--se", "--tls-c", "--p"] {
            let (ours, theirs) = try Self.runBoth([prefix])
            #expect(ours.status == theirs.status, "\(prefix): \(ours) vs \(theirs)")
            #expect(ours.stderr == theirs.stderr, "\(prefix)")
            #expect(ours.stdout == theirs.stdout, "\(prefix)")
        }
    }

    /// `--su` was unknown to mpop; now it is `--summary`, and needs a value.
    @Test func summaryPrefixesNowMeanSummary() throws {
        let (ours, theirs) = try Self.runBoth(["--su"])
        #expect(theirs.stderr == "mpop: unrecognized option '--su'\n")
        #expect(ours.status == 64)
        #expect(ours.stderr == "mpop: option '--summary' requires an argument\n", "\(ours)")
        let home = try TemporaryDirectory()
        let accepted = try MpopBinary.ours.run(["--sum=json", "--host=127.0.0.1", "--delivery=mbox,/dev/null", "-P"], home: home.path)
        #expect(accepted.status == 0, "\(accepted)")
    }
}
