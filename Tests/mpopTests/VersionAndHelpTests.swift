import Foundation
import Testing
import TestSupport

@Suite struct VersionAndHelpTests {
    /// Ours differs by the line for bug reports and by added lines for our
    /// own `--summary` and `--simultaneous-accounts`, the last of the
    /// retrieval options, and `--oauth2-authorize`, the last of the mode
    /// options.
    @Test func helpIsTheReferenceTextButForTheBugReportSummarySimultaneousAndOAuthLines() throws {
        let home = try TemporaryDirectory()
        let ours = try MpopBinary.ours.run(["--help"], home: home.path)
        let theirs = try MpopBinary.reference.run(["--help"], home: home.path)
        #expect(ours.status == 0)
        #expect(theirs.status == 0)
        #expect(ours.stderr == "")
        var ourLines = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let theirLines = theirs.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let summary = "  --summary=(off|json)         print one line of JSON per account when done"
        let summaryIndex = try #require(ourLines.firstIndex(of: Substring(summary)))
        #expect(ourLines[summaryIndex - 1].hasPrefix("  --uidls-file="))
        #expect(ourLines[summaryIndex + 1].hasPrefix("  --simultaneous-accounts=n    "))
        ourLines.removeSubrange(summaryIndex...(summaryIndex + 1))
        let oauth = "  --oauth2-authorize[=(browser|device)]  authorize an account for OAuth 2.0 once"
        let oauthIndex = try #require(ourLines.firstIndex(of: Substring(oauth)))
        #expect(ourLines[oauthIndex - 1].hasPrefix("  -S, --serverinfo"))
        ourLines.remove(at: oauthIndex)
        #expect(ourLines.count == theirLines.count)
        let bugLine = { (line: Substring) in line.hasPrefix("Report bugs to") }
        #expect(Array(ourLines.filter { !bugLine($0) }) == Array(theirLines.filter { !bugLine($0) }))
        #expect(ourLines.contains(where: bugLine))
    }

    @Test func versionHasTheReferenceLayoutWithLibraryFacts() throws {
        let home = try TemporaryDirectory()
        let ours = try MpopBinary.ours.run(["--version"], home: home.path)
        let theirs = try MpopBinary.reference.run(["--version"], home: home.path)
        #expect(ours.status == 0)
        let ourLines = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let theirLines = theirs.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Same lines in the same order, each starting with the same label.
        #expect(ourLines.count == theirLines.count)
        for (ours, theirs) in zip(ourLines, theirLines) {
            let label = theirs.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            if theirs.hasPrefix("Platform") || theirs.hasPrefix("IDN") || theirs.hasPrefix("Configuration file name") {
                #expect(ours == theirs)
            } else if theirs.contains(":") && !theirs.hasPrefix("the GNU") && !theirs.hasPrefix("Copyright") {
                #expect(ours.hasPrefix(label + ":"), "\(ours) vs \(theirs)")
            }
        }
        #expect(ourLines[0].hasPrefix("mpop version 1.4.18"))
        // Library versions are asked at run time.
        #expect(ourLines.contains { $0.range(of: #"^TLS/SSL library: GnuTLS \d+\.\d+"#, options: .regularExpression) != nil })
        #expect(ourLines.contains { $0.range(of: #"^Authentication library: GNU SASL \d+\.\d+"#, options: .regularExpression) != nil })
        // The mechanisms line lists what the reference lists, in its order.
        let methods = { (lines: [String]) in lines.firstIndex(of: "Supported authentication methods:").map { lines[$0 + 1] } }
        #expect(methods(ourLines) == methods(theirLines))
    }

    /// The reference, built with libsecret, says `Gnome `; ours reaches
    /// the key ring through `secret-tool` and says so only when it is on
    /// `$PATH`, and otherwise what mpop built without libsecret says.
    @Test func keyringLineFollowsSecretToolOnThePath() throws {
        let home = try TemporaryDirectory()
        let paths = try SecretToolPaths()
        let keyringLine = { (result: RunResult) in
            result.stdout.split(separator: "\n").first { $0.hasPrefix("Keyring support:") }.map(String.init)
        }
        let theirs = try MpopBinary.reference.run(["--version"], home: home.path,
                                                  environment: ["PATH": paths.withoutSecretTool])
        #expect(keyringLine(theirs) == "Keyring support: Gnome ")
        let with = try MpopBinary.ours.run(["--version"], home: home.path, environment: ["PATH": paths.withSecretTool])
        #expect(keyringLine(with) == "Keyring support: Gnome (secret-tool) ")
        let without = try MpopBinary.ours.run(["--version"], home: home.path,
                                              environment: ["PATH": paths.withoutSecretTool])
        #expect(keyringLine(without) == "Keyring support: none")
    }

    @Test func versionNamesTheXDGConfigurationWhenOnlyItExists() throws {
        let home = try TemporaryDirectory()
        try home.write(".config/mpop/config", "defaults\n")
        let ours = try MpopBinary.ours.run(["--version"], home: home.path)
        let theirs = try MpopBinary.reference.run(["--version"], home: home.path)
        let line = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("Configuration file name") } }
        #expect(line(ours.stdout) == "Configuration file name: \(home.path)/.config/mpop/config")
        #expect(line(ours.stdout) == line(theirs.stdout))
    }
}
