import Foundation
import Testing
import TestSupport

/// `keep DURATION` and `--keep=DURATION` as mpop 1.4.23 reads them: one or
/// more of `Nd`, `Nh`, `Nm`, `Ns`, optionally separated by blanks, printed
/// by `-P` as `keep = N seconds` (0 seconds is `off`, `LLONG_MAX` seconds
/// `on`). Each case runs ours and the real 1.4.23 (and 1.4.18 where it
/// knows the input) on the same configuration and compares stdout, stderr
/// and the exit status byte for byte.
@Suite struct KeepDurationTests {
    /// What 1.4.23 prints for an accepted argument (measured), or `nil`
    /// where it refuses it.
    static let commandLine: [(argument: String, shows: String?)] = [
        ("1d12h", "129600 seconds"), ("36h", "129600 seconds"), ("1d 11h 60m", "129600 seconds"),
        ("1d\t2h", "93600 seconds"), (" 1d", "86400 seconds"), ("1s", "1 seconds"), ("1m1m", "120 seconds"),
        ("1d12h30m15s", "131415 seconds"), ("+5s", "5 seconds"),
        // strtoul wraps a negative part, and the sum wraps back.
        ("5s -1s", "4 seconds"), ("2d-1s", "172799 seconds"), ("1d -86399s", "1 seconds"),
        ("0s", "off"), ("0d0h", "off"), ("-0s", "off"), ("1s -1s", "off"),
        ("9223372036854775807s", "on"), ("9223372036854775806s", "9223372036854775806 seconds"),
        ("on", "on"), ("off", "off"),
        ("1", nil), ("1D", nil), ("1d ", nil), ("-1s", nil), ("1h30", nil), ("abc", nil), ("on ", nil),
        ("0x10s", nil), ("9223372036854775808s", nil), ("213503982334601d", nil),
        ("99999999999999999999s", nil), ("1d x", nil),
    ]

    /// The configuration file hands the rest of the line, unquoted and
    /// without trailing blanks, to the same reader.
    static let configFile: [(line: String, shows: String?)] = [
        ("keep 1d12h", "129600 seconds"), ("keep 1d 12h", "129600 seconds"), ("keep \"1d 12h\"", "129600 seconds"),
        ("keep 1d  11h 60m", "129600 seconds"), ("keep 1d\t12h", "129600 seconds"), ("keep 36h   ", "129600 seconds"),
        ("keep \" 1d\"", "86400 seconds"), ("keep 5s -1s", "4 seconds"), ("keep 0s", "off"),
        ("keep 9223372036854775807s", "on"), ("keep", "on"), ("keep \"\"", "on"), ("keep on", "on"),
        ("keep 1", nil), ("keep 1d x", nil), ("keep \"1d \"", nil), ("keep -1s", nil),
    ]

    static let base = "account a\nhost h\nuser u\ndelivery mbox /tmp/mbox\n"

    /// Runs `mpop -C rc -P ARGUMENTS` with each binary in one private
    /// `$HOME`, so that the paths `-P` and the errors print are the same.
    static func pretend(_ binaries: [MpopBinary], rc: String, _ arguments: [String]) throws -> [RunResult] {
        let home = try TemporaryDirectory(prefix: "mpop-keep")
        _ = try home.write("rc", rc)
        return try binaries.map {
            try $0.run(["-C", "rc", "-P"] + arguments, home: home.path, workingDirectory: home.path)
        }
    }

    static func same(_ a: RunResult, _ b: RunResult) -> Bool {
        a.stdout == b.stdout && a.stderr == b.stderr && a.status == b.status
    }

    static func keepLine(_ result: RunResult) -> String? {
        result.stdout.split(separator: "\n").first { $0.hasPrefix("keep = ") }.map { String($0.dropFirst(7)) }
    }

    @Test(arguments: commandLine.indices)
    func commandLineDurationMatchesUpstream(_ index: Int) throws {
        let (argument, shows) = Self.commandLine[index]
        let arguments = ["--keep=\(argument)", "a"]
        let results = try Self.pretend([.ours, try .upstream()], rc: Self.base, arguments)
        let (ours, upstream) = (results[0], results[1])
        #expect(Self.same(ours, upstream), "--keep=\(argument): ours \(ours)\n1.4.23 \(upstream)")
        #expect(Self.keepLine(upstream) == shows, "1.4.23 \(upstream)")
        if shows == nil {
            #expect(upstream.stderr == "mpop: invalid argument \(argument) for --keep\n" && upstream.status == 64)
        }
    }

    @Test(arguments: configFile.indices)
    func configFileDurationMatchesUpstream(_ index: Int) throws {
        let (line, shows) = Self.configFile[index]
        let rc = Self.base + line + "\n"
        let results = try Self.pretend([.ours, try .upstream()], rc: rc, ["a"])
        let (ours, upstream) = (results[0], results[1])
        #expect(Self.same(ours, upstream), "\(line): ours \(ours)\n1.4.23 \(upstream)")
        #expect(Self.keepLine(upstream) == shows, "1.4.23 \(upstream)")
        if shows == nil {
            #expect(upstream.stderr.hasPrefix("mpop: rc: line 5: invalid argument ") && upstream.status == 78)
        }
    }

    /// What 1.4.18 knows reads and prints the same in all three.
    @Test func onOffAndBareKeepMatchAllThree() throws {
        for arguments in [["--keep", "a"], ["--keep=on", "a"], ["--keep=off", "a"], ["-k", "a"], ["a"]] {
            let results = try Self.pretend([.ours, .reference, try .upstream()], rc: Self.base + "keep\n", arguments)
            for theirs in results.dropFirst() {
                #expect(Self.same(results[0], theirs), "\(arguments): ours \(results[0])\ntheirs \(theirs)")
            }
        }
    }

    /// A duration is refused by 1.4.18 with the words ours uses for any
    /// invalid argument, so a configuration written for 1.4.23 fails the
    /// same way under Debian's mpop.
    @Test func referenceRefusesDurations() throws {
        let file = try Self.pretend([.reference], rc: Self.base + "keep 1d12h\n", ["a"])[0]
        #expect(file.stderr == "mpop: rc: line 5: invalid argument 1d12h for command keep\n" && file.status == 78)
        let option = try Self.pretend([.reference], rc: Self.base, ["--keep=36h", "a"])[0]
        #expect(option.stderr == "mpop: invalid argument 36h for --keep\n" && option.status == 64)
    }

    /// `--keep=` stays invalid, as in 1.4.18; 1.4.23 reads it as a sum of
    /// no parts, `off`, the opposite of `--keep` (see Docs/Compatibility.md).
    @Test func emptyOptionArgumentIsInvalidAsIn1418() throws {
        let results = try Self.pretend([.ours, .reference, try .upstream()], rc: Self.base, ["--keep=", "a"])
        let (ours, reference, upstream) = (results[0], results[1], results[2])
        #expect(Self.same(ours, reference), "ours \(ours)\n1.4.18 \(reference)")
        #expect(ours.stderr == "mpop: invalid argument  for --keep\n" && ours.status == 64)
        #expect(Self.keepLine(upstream) == "off", "1.4.23 \(upstream)")
    }
}
