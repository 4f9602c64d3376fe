import Testing
@testable import POP3Core

@Suite struct ConfigValueTests {
    @Test func numbersFollowStrtol() {
        #expect(ConfigValue.port("0x10") == 16)
        #expect(ConfigValue.port("010") == 8)
        #expect(ConfigValue.port(" +5") == 5)
        #expect(ConfigValue.port("5x") == nil)
        #expect(ConfigValue.port("65536") == nil)
        #expect(ConfigValue.positiveInt("0") == nil)
        #expect(ConfigValue.nonNegativeInt("2147483648") == nil)
    }

    @Test func sizes() {
        #expect(ConfigValue.size("1k") == 1024)
        #expect(ConfigValue.size("2m") == 2 << 20)
        #expect(ConfigValue.size("1K") == nil)
        #expect(ConfigValue.size("9007199254740991k") == 9007199254740991 << 10)
        #expect(ConfigValue.size("9007199254740992k") == nil)
        #expect(ConfigValue.size("-1") == nil)
    }

    @Test func fingerprints() {
        let md5 = "0f:1e:2d:3c:4b:5a:69:78:87:96:a5:b4:c3:d2:e1:f0"
        let bytes = ConfigValue.fingerprint(md5)
        #expect(bytes?.count == 16)
        #expect(bytes.map(ConfigValue.fingerprintText) == md5.uppercased())
        #expect(ConfigValue.fingerprint(md5.replacingAll(":", with: " "))?.count == 16)
        #expect(ConfigValue.fingerprint(md5.replacingAll(":", with: "-")) == nil)
    }

    @Test func authMethods() {
        #expect(ConfigValue.authMethod("") == "")
        #expect(ConfigValue.authMethod("on") == "")
        #expect(ConfigValue.authMethod("scram-sha-256") == "SCRAM-SHA-256")
        #expect(ConfigValue.authMethod("PLAIN") == nil)
        #expect(ConfigValue.authMethod("off") == nil)
    }

    @Test func tildeOnlyAtTheStart() {
        #expect(ConfigValue.expandTilde("~/x", home: "/h") == "/h/x")
        #expect(ConfigValue.expandTilde("~x", home: "/h") == "/hx")
        #expect(ConfigValue.expandTilde("a/~", home: "/h") == "a/~")
    }

    @Test func uidlsSubstitution() {
        #expect(ConfigValue.substituteUIDLsPath("/d/%U_at_%H%U", user: "u", host: "h") == "/d/u_at_hu")
    }
}
