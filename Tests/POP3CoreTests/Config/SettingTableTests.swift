import Testing
@testable import POP3Core

/// The settings table on its own: what both sources share, and the few
/// places where mpop's configuration file and command line differ.
@Suite struct SettingTableTests {
    let home = "/home/u"

    func read(_ setting: Setting, _ text: String?,
              from source: SettingArgument.Source) throws(SettingArgument.Problem) -> AccountSettings {
        var settings = AccountSettings(home: home)
        try settings.set(setting, SettingArgument(text: text, source: source, home: home))
        return settings
    }

    @Test func everyCommandNamesItsOwnSetting() {
        for setting in Setting.allCases {
            #expect(Setting(command: setting.definition.command) == setting)
        }
        #expect(Setting(command: "eval") == nil)
        #expect(Setting(command: "tls-trust-file") == nil)
    }

    @Test func longOptionsAreTheCommandsWithHyphens() {
        #expect(Setting.tlsMinDHPrimeBits.definition.longOption == "tls-min-dh-prime-bits")
        #expect(Setting.keep.definition.shortOption == "k")
        #expect(Setting.password.definition.longOption == nil)
        #expect(Setting.ntlmDomain.definition.longOption == nil)
    }

    @Test func noArgumentMeansOnButAnEmptyOneOnTheCommandLineIsInvalid() throws {
        #expect(try read(.tls, nil, from: .configurationFile).tls)
        #expect(try read(.tls, nil, from: .commandLine).tls)
        #expect(throws: SettingArgument.Problem.invalid) { try read(.tls, "", from: .commandLine) }
        #expect(try read(.pipelining, nil, from: .configurationFile).pipelining == .on)
    }

    @Test func aRequiredArgumentMayBeEmptyOnlyOnTheCommandLine() throws {
        #expect(throws: SettingArgument.Problem.missing) { try read(.host, nil, from: .configurationFile) }
        #expect(try read(.host, "", from: .commandLine).host == "")
        #expect(try read(.uidlsFile, "", from: .commandLine).uidlsFile == "")
        #expect(throws: SettingArgument.Problem.invalid) { try read(.port, "", from: .commandLine) }
    }

    @Test func deliverySeparatesTheMethodWithABlankOrAComma() throws {
        let file = try read(.delivery, "maildir \t\"~/Mail box\"", from: .configurationFile)
        #expect(file.delivery == .maildir("/home/u/Mail box"))
        #expect(try read(.delivery, "mda,~/x %F", from: .commandLine).delivery == .mda("~/x %F"))
        #expect(throws: SettingArgument.Problem.invalid) { try read(.delivery, "mbox,m", from: .configurationFile) }
        #expect(throws: SettingArgument.Problem.invalid) { try read(.delivery, "mbox m", from: .commandLine) }
    }

    @Test func sizesHaveAProblemOfTheirOwn() {
        #expect(throws: SettingArgument.Problem.invalidSize) { try read(.killSize, "1x", from: .configurationFile) }
        #expect(throws: SettingArgument.Problem.missing) { try read(.skipSize, nil, from: .configurationFile) }
    }

    @Test func aRefusedArgumentChangesNothing() throws {
        var settings = try read(.port, "5", from: .configurationFile)
        let before = settings
        #expect(throws: SettingArgument.Problem.invalid) {
            try settings.set(.timeout, SettingArgument(text: "0", source: .configurationFile, home: home))
        }
        #expect(settings == before)
    }

    @Test func anIgnoredSettingTakesAnythingAndSetsNothing() throws {
        #expect(try read(.tlsForceSSLv3, "whatever", from: .commandLine) == AccountSettings(home: home))
    }

    @Test func overrideCopiesWhatWasGivenAndNothingElse() throws {
        var given = try read(.user, "u", from: .commandLine)
        given.host = "not given"
        var target = try read(.host, "h", from: .configurationFile)
        target.override(with: given)
        #expect(target.user == "u")
        #expect(target.host == "h")
        #expect(target.explicitlySet == [.host, .user])
    }

    @Test func pretendLinesUseTheLabelAndTheKindsWords() {
        var account = Account()
        account.timeout = 1
        account.proxyPort = nil
        account.tlsFingerprint = [0xAB, 0x01]
        #expect(Setting.timeout.definition.pretendLine(for: account) == "timeout = 1 second")
        #expect(Setting.proxyPort.definition.pretendLine(for: account) == "proxy port = 0")
        #expect(Setting.tlsFingerprint.definition.pretendLine(for: account) == "tls_fingerprint = AB:01")
        #expect(Setting.auth.definition.pretendLine(for: account) == "auth = choose")
        #expect(Setting.tlsForceSSLv3.definition.pretendLine(for: account) == nil)
    }
}
