import Foundation
import Testing
import TestSupport
@testable import POP3Core

/// What the library looks up in the environment it is given.
@Suite struct EnvironmentTests {
    @Test func entriesAsEnvironHoldsThem() {
        let environment = Environment(entries: ["HOME=/home/a", "EMPTY=", "NOEQUALS", "HOME=/second", "A=b=c"])
        #expect(environment["HOME"] == "/home/a")
        #expect(environment["EMPTY"] == "")
        #expect(environment["NOEQUALS"] == nil)
        #expect(environment["A"] == "b=c")
    }

    /// mpop hands the library only ``Environment/namesRead``: every name
    /// the sources look up must be there, or the lookup finds nothing.
    @Test func everyNameTheLibraryReadsIsHandedOver() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        var names: Set<String> = []
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root.appendingPathComponent(file).path, encoding: .utf8)
            for match in text.matches(of: #/nvironment\[\"([A-Z_]+)\"\]/#) {
                names.insert(String(match.1))
            }
            for match in text.matches(of: #/for variable in \[([^\]]*)\]/#) {
                names.formUnion(match.1.matches(of: #/"([A-Z_]+)"/#).map { String($0.1) })
            }
        }
        #expect(names.isSuperset(of: ["HOME", "PATH", "USER"]), "the scan found \(names.sorted())")
        #expect(names.subtracting(Environment.namesRead).isEmpty)
    }

    @Test func configurationFileFromHomeAndXDG() throws {
        let home = try TemporaryDirectory()
        let xdg = try TemporaryDirectory()
        var environment = Environment(["HOME": home.path, "XDG_CONFIG_HOME": xdg.path])
        #expect(ConfigLocation.homeDirectory(environment) == home.path)
        // Neither exists: mpop names the classic file.
        #expect(ConfigLocation.userConfigFile(environment) == home.path + "/.mpoprc")
        _ = try xdg.makeDirectory("mpop", mode: 0o700)
        let xdgFile = try xdg.write("mpop/config", "")
        #expect(ConfigLocation.userConfigFile(environment) == xdgFile)
        // An empty XDG_CONFIG_HOME means ~/.config.
        environment["XDG_CONFIG_HOME"] = ""
        #expect(ConfigLocation.userConfigFile(environment) == home.path + "/.mpoprc")
        let classic = try home.write(".mpoprc", "")
        environment["XDG_CONFIG_HOME"] = xdg.path
        #expect(ConfigLocation.userConfigFile(environment) == classic)
    }

    @Test func localUserAndSecretTool() throws {
        #expect(LocalIdentity.userName(Environment(["USER": "u", "LOGNAME": "l"])) == "u")
        #expect(LocalIdentity.userName(Environment(["USER": "", "LOGNAME": "l"])) == "l")
        let bin = try TemporaryDirectory()
        let tool = try bin.write("secret-tool", "#!/bin/sh\n", mode: 0o755)
        #expect(SecretTool.path(Environment(["PATH": "/nonexistent:" + bin.path])) == tool)
        #expect(!SecretTool.isAvailable(Environment()))
    }
}
