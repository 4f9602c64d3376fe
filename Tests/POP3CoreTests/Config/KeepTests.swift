import Testing
@testable import POP3Core

/// `keep`'s value and mpop 1.4.23's duration syntax (`get_keep_arg`).
@Suite struct KeepTests {
    @Test(arguments: [
        ("1d12h", 129_600), ("36h", 129_600), ("1d 11h 60m", 129_600), ("1d\t12h", 129_600),
        (" 1d", 86_400), ("1m1m", 120), ("+5s", 5), ("5s -1s", 4), ("1s -1s", 0), ("0s", 0), ("", 0),
        ("9223372036854775807s", Int64.max),
    ] as [(String, Int64)])
    func durationsAreRead(_ text: String, _ seconds: Int64) {
        #expect(ConfigValue.keepDuration(text) == seconds)
    }

    @Test(arguments: ["1", "1D", "1d ", "-1s", "1h30", "abc", "0x10s", "9223372036854775808s",
                      "213503982334601d", "99999999999999999999s", "1d x", "-1m", "d"])
    func badDurationsAreRefused(_ text: String) {
        #expect(ConfigValue.keepDuration(text) == nil)
    }

    @Test func secondsMapToOnOffOrDuration() {
        #expect(Keep(seconds: 0) == .off)
        #expect(Keep(seconds: Int64.max) == .on)
        #expect(Keep(seconds: 3) == .duration(seconds: 3))
    }

    @Test func deletionWaitsForTheDuration() {
        let keep = Keep.duration(seconds: 3)
        #expect(!keep.allowsDeletion(firstSeen: 100, now: 102))
        #expect(keep.allowsDeletion(firstSeen: 100, now: 103))
        #expect(!keep.allowsDeletion(firstSeen: 200, now: 100), "a first-seen time in the future keeps")
        #expect(keep.allowsDeletion(firstSeen: Int64.min, now: 100))
        #expect(!keep.allowsDeletion(firstSeen: Int64.max, now: -100))
        #expect(Keep.off.allowsDeletion(firstSeen: 100, now: 100))
        #expect(!Keep.on.allowsDeletion(firstSeen: Int64.min + 1, now: Int64.max))
    }

    @Test func settingReadsBothSources() throws {
        func read(_ text: String?, _ source: SettingArgument.Source) throws -> Keep {
            var account = Account()
            try Setting.keep.definition.storage!.assign(SettingArgument(text: text, source: source, home: "/h"),
                                                         &account)
            return account.keep
        }
        #expect(try read(nil, .configurationFile) == .on)
        #expect(try read(nil, .commandLine) == .on)
        #expect(try read("36h", .commandLine) == .duration(seconds: 129_600))
        #expect(throws: SettingArgument.Problem.invalid) { try read("", .commandLine) }
        var account = Account()
        account.keep = .duration(seconds: 5)
        #expect(Setting.keep.definition.pretendLine(for: account) == "keep = 5 seconds")
    }
}
