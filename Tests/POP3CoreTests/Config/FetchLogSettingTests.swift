import Testing
@testable import POP3Core

/// `logfile`, `logfile_time_format` and `syslog` (ours, with msmtp's
/// syntax): both sources, inheritance and `-P`.
@Suite struct FetchLogSettingTests {
    let home = "/home/u"

    func read(_ setting: Setting, _ text: String?,
              from source: SettingArgument.Source) throws(SettingArgument.Problem) -> Account {
        var settings = AccountSettings(home: home)
        try settings.set(setting, SettingArgument(text: text, source: source, home: home))
        return settings.values
    }

    func parse(_ text: String) throws(ConfigError) -> ConfigFileParser.Contents {
        try ConfigFileParser(file: "rc", home: home, evaluate: { _ throws(ShellCommand.Failure) in throw .noOutput })
            .parse(Array(text.utf8))
    }

    @Test func theLongOptionsAreMsmtps() {
        #expect(Setting.logfile.definition.longOption == "logfile")
        #expect(Setting.logfile.definition.optionArgument == .requiredArgument)
        #expect(Setting.logfileTimeFormat.definition.longOption == "logfile-time-format")
        #expect(Setting.logfileTimeFormat.definition.optionArgument == .requiredArgument)
        #expect(Setting.syslog.definition.longOption == "syslog")
        #expect(Setting.syslog.definition.optionArgument == .optionalArgument)
    }

    @Test func logfileIsAPathAndEmptyTurnsItOff() throws {
        for source in [SettingArgument.Source.configurationFile, .commandLine] {
            #expect(try read(.logfile, "~/log/fetch", from: source).logfile == "/home/u/log/fetch")
            #expect(try read(.logfile, "-", from: source).logfile == "-")
            #expect(try read(.logfile, "", from: source).logfile == nil)
            #expect(try read(.logfileTimeFormat, "%F %T", from: source).logfileTimeFormat == "%F %T")
            #expect(try read(.logfileTimeFormat, "", from: source).logfileTimeFormat == nil)
        }
        #expect(try read(.logfile, nil, from: .configurationFile).logfile == nil)
    }

    @Test func syslogIsOnOffOrAFacility() throws {
        for source in [SettingArgument.Source.configurationFile, .commandLine] {
            #expect(try read(.syslog, nil, from: source).syslog == "LOG_MAIL")
            #expect(try read(.syslog, "on", from: source).syslog == "LOG_MAIL")
            #expect(try read(.syslog, "off", from: source).syslog == nil)
            for facility in ["LOG_USER", "LOG_MAIL", "LOG_LOCAL0", "LOG_LOCAL7"] {
                #expect(try read(.syslog, facility, from: source).syslog == facility)
            }
            for bad in ["LOG_LOCAL8", "log_mail", "LOG_KERN", "yes"] {
                #expect(throws: SettingArgument.Problem.invalid) { try read(.syslog, bad, from: source) }
            }
        }
        // msmtp: `--syslog=` is invalid, as `--tls=` is.
        #expect(throws: SettingArgument.Problem.invalid) { try read(.syslog, "", from: .commandLine) }
    }

    @Test func theFileInheritsAndRefusesBadValues() throws {
        let contents = try parse("""
            defaults
            logfile ~/fetch.log
            account a
            syslog LOG_LOCAL2
            account b : a
            logfile_time_format %s
            account c
            logfile
            syslog off

            """)
        let accounts = Dictionary(uniqueKeysWithValues: contents.accounts.map { ($0.name, $0.values) })
        #expect(accounts["a"]?.logfile == "/home/u/fetch.log" && accounts["a"]?.syslog == "LOG_LOCAL2")
        #expect(accounts["b"]?.logfile == "/home/u/fetch.log" && accounts["b"]?.syslog == "LOG_LOCAL2")
        #expect(accounts["b"]?.logfileTimeFormat == "%s" && accounts["a"]?.logfileTimeFormat == nil)
        #expect(accounts["c"]?.logfile == nil && accounts["c"]?.syslog == nil)
        #expect(throws: ConfigError.syntax(file: "rc", line: 2, message: "invalid argument LOG_FOO for command syslog")) {
            try parse("account a\nsyslog LOG_FOO\n")
        }
    }

    /// `-P` prints them only when set, so it stays mpop 1.4.18's for a file
    /// without them.
    @Test func pretendShowsThemOnlyWhenSet() {
        var account = Account()
        for setting in [Setting.logfile, .logfileTimeFormat, .syslog] {
            #expect(setting.definition.pretendLine(for: account) == nil)
            #expect(setting.definition.retrievalOnly)
        }
        account.logfile = "/var/log/mpop"
        account.logfileTimeFormat = "%F"
        account.syslog = "LOG_USER"
        #expect(Setting.logfile.definition.pretendLine(for: account) == "logfile = /var/log/mpop")
        #expect(Setting.logfileTimeFormat.definition.pretendLine(for: account) == "logfile_time_format = %F")
        #expect(Setting.syslog.definition.pretendLine(for: account) == "syslog = LOG_USER")
        // mpop's own settings are printed at their defaults, as before.
        #expect(Setting.filter.definition.pretendLine(for: Account()) == "filter = (not set)")
    }
}
