import Foundation
import Testing
import TestSupport

/// Runs every case of ``ConfigCorpus`` through Debian's mpop 1.4.18 and
/// through ours, in the same private `$HOME`, and compares stdout, stderr
/// and the exit status byte for byte.
///
/// Both binaries are started as plain `mpop` found on `$PATH`, so glibc's
/// getopt messages carry the same program name.
@Suite struct ConfigDifferentialTests {
    @Test func corpusIsLargeEnough() {
        #expect(ConfigCorpus.all.count >= 150)
        #expect(Set(ConfigCorpus.all.map(\.name)).count == ConfigCorpus.all.count, "case names must be unique")
    }

    @Test func oursMatchesDebianMpop() throws {
        try compare(ConfigCorpus.all.filter { !$0.foreignOwner })
    }

    /// Giving the file away needs root; the other cases run everywhere.
    @Test(.enabled(if: geteuid() == 0, "only root can give the configuration file to another user"))
    func aFileOfAnotherUserIsRefusedAsDebianMpopRefusesIt() throws {
        let cases = ConfigCorpus.all.filter(\.foreignOwner)
        #expect(!cases.isEmpty)
        try compare(cases)
    }

    /// Runs each case through both programs and records every difference.
    private func compare(_ cases: [ConfigCase]) throws {
        try Prerequisites.requireReferenceMpop()
        let ours = MpopBinary.ours.path
        try Prerequisites.require(ours, package: "(build it: swift build)")
        let bins = try TemporaryDirectory(prefix: "mpop-bins")
        let referenceBin = bins.url("reference"), oursBin = bins.url("ours")
        for (dir, target) in [(referenceBin, MpopBinary.reference.path), (oursBin, ours)] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir + "/mpop", withDestinationPath: target)
        }

        var differing = 0
        for testCase in cases {
            let home = try TemporaryDirectory(prefix: "mpop-config")
            let expected = try run(testCase, home: home.path, bin: referenceBin)
            let actual = try run(testCase, home: home.path, bin: oursBin)
            if expected.stdout != actual.stdout || expected.stderr != actual.stderr
                || expected.status != actual.status {
                differing += 1
                Issue.record("""
                    case "\(testCase.name)": mpop \(testCase.arguments.joined(separator: " "))
                    expected (Debian mpop) \(expected)
                    actual (ours) \(actual)
                    """)
            }
        }
        #expect(differing == 0, "\(differing) of \(cases.count) cases differ")
    }

    /// mpop creates the directories above the UIDLs file, mode 0700, in
    /// retrieval mode before connecting, but never with `-P`. The account
    /// points at a closed loopback port, so the retrieval itself fails fast.
    @Test func uidlsDirectoriesAreCreatedOnlyWithoutPretend() throws {
        try Prerequisites.requireReferenceMpop()
        let rc = "account a\nhost 127.0.0.1\nport 1\ndelivery mda cat\nuidls_file ~/state/uidls/%U_at_%H\n"
        for binary in [MpopBinary.reference, MpopBinary.ours] {
            let home = try TemporaryDirectory(prefix: "mpop-uidls")
            _ = try home.write("rc", rc)
            _ = try binary.run(["-C", "rc", "-P", "a"], home: home.path, workingDirectory: home.path)
            #expect(!FileManager.default.fileExists(atPath: home.url("state")), "\(binary.path) -P created directories")
            _ = try binary.run(["-C", "rc", "a"], home: home.path, workingDirectory: home.path)
            for directory in ["state", "state/uidls"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: home.url(directory))
                #expect((attributes[.posixPermissions] as? Int) == 0o700, "\(binary.path): \(directory)")
            }
        }
    }

    /// Recreates the case's files in `home` (emptied first) and runs `mpop`
    /// from `bin` there.
    private func run(_ testCase: ConfigCase, home: String, bin: String) throws -> RunResult {
        let manager = FileManager.default
        for entry in try manager.contentsOfDirectory(atPath: home) {
            try manager.removeItem(atPath: home + "/" + entry)
        }
        var files = testCase.files
        if let rc = testCase.rc { files["rc"] = rc }
        for (path, content) in files {
            let full = home + "/" + path
            try manager.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
            chmod(full, 0o600)
        }
        if testCase.rc != nil {
            chmod(home + "/rc", mode_t(testCase.mode))
            if testCase.foreignOwner {
                chown(home + "/rc", 65534, 65534)
            }
        }
        var environment = [
            "HOME": home,
            "PATH": bin + ":/usr/bin:/bin",
            "LC_ALL": "C",
            "USER": "mpoptest",
            "TZ": "UTC",
        ]
        environment.merge(testCase.environment) { $1 }
        return try ProgramRunner.run("mpop", testCase.arguments, environment: environment,
                                     workingDirectory: home, timeout: 30)
    }
}
