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
