import Testing
import TestSupport
@testable import POP3Core


@Suite struct StatusLineTests {
    @Test(arguments: [
        ("+OK", true, ""), ("+OK hello there", true, "hello there"), ("-ERR", false, ""),
        ("-ERR [IN-USE] locked", false, "[IN-USE] locked"), ("+OK ", true, ""),
    ])
    func validReplies(line: String, positive: Bool, text: String) throws {
        let status = try StatusLine(bytes: bytes(line))
        #expect(status.isPositive == positive)
        #expect(status.text == text)
        #expect(status.line == line)
    }

    @Test(arguments: ["OK", "", "* OK", " +OK", "ok +", "\r"])
    func invalidReplies(line: String) {
        #expect(throws: POP3Error.invalidReply(serverMessage: line)) { try StatusLine(bytes: bytes(line)) }
    }

    /// As in mpop 1.4.22 and later, the first byte alone makes a status:
    /// pop3.seznam.cz answers with a bare `+`.
    @Test(arguments: [
        ("+", true, ""), ("-", false, ""), ("+ok", true, "ok"), ("-err x", false, "err x"),
        ("+ ", true, ""), ("- no", false, "no"), ("+welcome", true, "welcome"),
    ])
    func anyLineStartingWithPlusOrMinusIsAStatus(line: String, positive: Bool, text: String) throws {
        let status = try StatusLine(bytes: bytes(line))
        #expect(status.isPositive == positive)
        #expect(status.text == text)
        #expect(status.line == line)
    }

    @Test func saslContinuations() throws {
        let plus = try StatusLine(bytes: bytes("+ "))
        #expect(plus.isContinuation && plus.text == "")
        let challenge = try StatusLine(bytes: bytes("+ PDE4OTYu"))
        #expect(challenge.text == "PDE4OTYu")
        let minus = try StatusLine(bytes: bytes("- failed"))
        #expect(!minus.isPositive)
        #expect(!(try StatusLine(bytes: bytes("+OK done"))).isContinuation)
    }

    @Test func responseCodes() throws {
        #expect(try StatusLine(bytes: bytes("-ERR [IN-USE] busy")).responseCode == .inUse)
        #expect(try StatusLine(bytes: bytes("-ERR [LOGIN-DELAY] wait")).responseCode == .loginDelay)
        #expect(try StatusLine(bytes: bytes("-ERR [SYS/TEMP] later")).responseCode == .systemTemporary)
        #expect(try StatusLine(bytes: bytes("-ERR [SYS/PERM] never")).responseCode == .systemPermanent)
        #expect(try StatusLine(bytes: bytes("-ERR [AUTH] bad password")).responseCode == .authentication)
        #expect(try StatusLine(bytes: bytes("-ERR [auth] lower")).responseCode == .authentication)
        #expect(try StatusLine(bytes: bytes("-ERR [XYZ] other")).responseCode == .other("XYZ"))
        #expect(try StatusLine(bytes: bytes("-ERR no code")).responseCode == nil)
        #expect(try StatusLine(bytes: bytes("+OK [IN-USE] positive")).responseCode == nil)
    }

    @Test func temporaryCodesExit75AndOthersKeepMpopsStatus() throws {
        let inUse = try StatusLine(bytes: bytes("-ERR [IN-USE] busy"))
        #expect(POP3Error.authenticationFailed(method: "USER", reply: inUse).exitStatus == .tempFail)
        #expect(POP3Error.commandFailed(command: "RETR 1", reply: inUse).exitStatus == .tempFail)
        let auth = try StatusLine(bytes: bytes("-ERR [AUTH] bad"))
        #expect(POP3Error.authenticationFailed(method: "USER", reply: auth).exitStatus == .noPermission)
        #expect(POP3Error.commandFailed(command: "DELE 2", reply: auth).exitStatus == .protocolError)
        #expect(POP3Error.commandFailed(command: "DELE 2", reply: auth).serverMessage == "-ERR [AUTH] bad")
    }
}

@Suite struct GreetingTests {
    @Test(arguments: [
        ("+OK ready <1234.5678@example.org>", "<1234.5678@example.org>"),
        ("+OK <a+b/c-d_e@c.d>", "<a+b/c-d_e@c.d>"),
        ("+OK <-x@y>", "<-x@y>"),
        ("+OK x <a@b> y <c@d>", "<a@b>"),
    ])
    func acceptedTimestamps(line: String, timestamp: String) throws {
        #expect(try Greeting(line: bytes(line)).apopTimestamp == timestamp)
    }

    @Test(arguments: [
        "+OK <12 34@x>", "+OK <abc.def>", "+OK <a(b)@c>", "+OK <a!b@c>", "+OK <>", "+OK <a@b",
        "+OK Dovecot (Debian) ready. <2484.4.6b023c8a.dabtFewiVddxhW5XhqWm8A==@vm>", "+OK",
    ])
    func refusedTimestamps(line: String) throws {
        #expect(try Greeting(line: bytes(line)).apopTimestamp == nil)
    }

    @Test func displayTextIsAfterFourBytes() throws {
        #expect(try Greeting(line: bytes("+OK fake POP3 ready")).displayText == "fake POP3 ready")
        #expect(try Greeting(line: bytes("+OK")).displayText == "")
    }

    @Test func negativeGreetingFails() throws {
        #expect(throws: POP3Error.self) { try Greeting(line: bytes("-ERR go away")) }
        do {
            _ = try Greeting(line: bytes("-ERR [SYS/TEMP] go away"))
        } catch {
            #expect(error.exitStatus == .tempFail)
            #expect(error.explanation == "cannot get initial OK message from POP3 server")
        }
    }
}

@Suite struct CapabilitiesTests {
    static func parse(_ lines: [String]) -> Capabilities {
        var caps = Capabilities()
        for line in lines { caps.absorb(line: bytes(line)) }
        return caps
    }

    @Test func dovecot() {
        let caps = Self.parse(["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER",
                               "SASL PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256"])
        #expect(caps.capa && caps.top && caps.uidl && caps.respCodes && caps.pipelining && caps.authRespCode)
        #expect(caps.stls && caps.user)
        #expect(caps.saslMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"])
    }

    @Test func cyrusAndCourierExtras() {
        let caps = Self.parse(["SASL PLAIN SCRAM-SHA-1-PLUS", "EXPIRE NEVER", "LOGIN-DELAY 0",
                               "IMPLEMENTATION Cyrus POP3 3.6.1-Debian"])
        #expect(caps.saslMechanisms == ["PLAIN", "SCRAM-SHA-1"])
        #expect(caps.expireNever && caps.loginDelay == 0)
        #expect(caps.implementation == "Cyrus POP3 3.6.1-Debian")
        let courier = Self.parse(["LOGIN-DELAY 10", "UTF8 USER", "EXPIRE 30"])
        #expect(courier.loginDelay == 10 && courier.expire == 30 && !courier.expireNever)
    }

    @Test func quirkyLines() {
        // A SASL line with a stray CR and several spaces (mpop #14), lowercase keywords.
        let caps = Self.parse(["SASL  PLAIN   XOAUTH2\r", "pipelining", "top", "ExpireNever"])
        #expect(caps.saslMechanisms == ["PLAIN", "XOAUTH2"])
        #expect(caps.pipelining && caps.top)
        // mailutils' EXPIRENEVER: the argument starts right after EXPIRE, as in mpop.
        #expect(caps.expireNever && caps.expire == nil)
    }

    /// What mpop 1.4.18's `--serverinfo` shows for each form (measured):
    /// the argument is read right after the keyword, `strtol`-like, with a
    /// negative value 0 and NEVER anywhere after EXPIRE.
    @Test(arguments: [
        ("EXPIRENEVER", nil, true), ("EXPIRE NEVER", nil, true), ("EXPIRE  NEVER", nil, true),
        ("EXPIRE\tNEVER", nil, true), ("expire never", nil, true), ("EXPIRE NEVER USER", nil, true),
        ("EXPIRE 30 NEVER", nil, true), ("EXPIRE 99999999999999999999", nil, true),
        ("EXPIRE 9223372036854775807", nil, true), ("EXPIRE 9223372036854775806", 9_223_372_036_854_775_806, false),
        ("EXPIRE 30", 30, false), ("EXPIRE30", 30, false), ("EXPIRE 30 USER", 30, false), ("EXPIRE\t30  ", 30, false),
        ("EXPIRE \u{0B}5", 5, false), ("EXPIRE +5", 5, false), ("EXPIRE 12abc", 12, false),
        ("EXPIRE -5", 0, false), ("EXPIRE -99999999999999999999", 0, false), ("EXPIRE", 0, false),
        ("EXPIRE X", 0, false), ("EXPIRES 5", 0, false), ("EXPIRE - 5", 0, false),
    ] as [(String, Int?, Bool)])
    func expire(line: String, days: Int?, never: Bool) {
        let caps = Self.parse([line])
        #expect(caps.expire == days && caps.expireNever == never, "\(line)")
    }

    @Test(arguments: [
        ("LOGIN-DELAY 900", 900), ("LOGIN-DELAY900", 900), ("LOGIN-DELAY 900 USER", 900), ("login-delay\t900", 900),
        ("LOGIN-DELAY -5", 0), ("LOGIN-DELAY", 0), ("LOGIN-DELAY 1e3", 1),
        ("LOGIN-DELAY 99999999999999999999", Int.max), ("LOGIN-DELAY -99999999999999999999", 0),
    ] as [(String, Int)])
    func loginDelay(line: String, seconds: Int) {
        #expect(Self.parse([line]).loginDelay == seconds, "\(line)")
    }

    @Test func implementationTextStartsAfterTheKeywordsSpaces() {
        #expect(Self.parse(["IMPLEMENTATION   Foo 1.0"]).implementation == "Foo 1.0")
        #expect(Self.parse(["implementation foo bar"]).implementation == "foo bar")
        // The first word is uppercased, as mpop does before matching.
        #expect(Self.parse(["IMPLEMENTATIONFoo"]).implementation == "FOO")
        #expect(Self.parse(["IMPLEMENTATION\tFoo"]).implementation == "\tFoo")
        #expect(Self.parse(["IMPLEMENTATION"]).implementation == "")
    }

    @Test func laterValuesReplaceEarlierOnes() {
        let caps = Self.parse(["EXPIRE NEVER", "EXPIRE 5", "LOGIN-DELAY 5", "LOGIN-DELAY -1"])
        #expect(caps.expire == 5 && !caps.expireNever && caps.loginDelay == 0)
        #expect(Self.parse(["EXPIRE 5", "EXPIRE NEVER"]).expireNever)
    }

    @Test func leadingIntegerIsStrtol() {
        #expect(Capabilities.leadingInteger(Array(" \t\n\u{0B}\u{0C}\r42x".utf8)) == 42)
        #expect(Capabilities.leadingInteger(Array("-9223372036854775808".utf8)) == Int.min)
        #expect(Capabilities.leadingInteger(Array("-9223372036854775809".utf8)) == Int.min)
        #expect(Capabilities.leadingInteger(Array("9223372036854775808".utf8)) == Int.max)
        #expect(Capabilities.leadingInteger(Array("+-1".utf8)) == 0)
    }

    @Test func onlyASCIILettersAreUppercased() {
        // Swift's uppercased() would turn the dotless ı into I and match.
        #expect(Self.parse(["logın-delay 5"]).loginDelay == nil)
        #expect(Self.parse(["SASL plaın"]).saslMechanisms.isEmpty)
    }

    @Test func flagsAreCumulative() {
        var caps = Self.parse(["STLS", "TOP"])
        caps.absorb(line: bytes("UIDL"))
        #expect(caps.stls && caps.top && caps.uidl)
    }
}

@Suite struct ListingTests {
    @Test func scanListing() throws {
        var listing = ScanListing(messageCount: 3)
        try listing.absorb(line: bytes("2 200"))
        try listing.absorb(line: bytes("1   120"))
        try listing.absorb(line: bytes("3 junk"))
        #expect(try listing.finish() == [120, 200, 0])
    }

    @Test(arguments: [["1 1", "1 2"], ["0 1"], ["4 1"], ["x 1"], ["1 1"]])
    func badScanListings(lines: [String]) {
        #expect(throws: POP3Error.invalidReplyTo(command: "LIST", serverMessage: nil)) {
            var listing = ScanListing(messageCount: 2)
            for line in lines { try listing.absorb(line: bytes(line)) }
            _ = try listing.finish()
        }
    }

    @Test func uniqueIDListing() throws {
        var listing = UniqueIDListing(messageCount: 2)
        try listing.absorb(line: bytes("2    000000016b023c8b"))
        try listing.absorb(line: bytes("1 uid with spaces #1"))
        #expect(try listing.finish().strings == ["uid with spaces #1", "000000016b023c8b"])
    }

    @Test(arguments: [["1 caf\u{e9}"], ["1 "], ["1 a\u{7f}"], ["1 a", "1 b"], ["3 a"]])
    func badUIDListings(lines: [String]) {
        #expect(throws: POP3Error.invalidReplyTo(command: "UIDL", serverMessage: nil)) {
            var listing = UniqueIDListing(messageCount: 2)
            for line in lines { try listing.absorb(line: bytes(line)) }
            _ = try listing.finish()
        }
    }
}

@Suite struct CommandTests {
    @Test func debugRenderingMasksSecrets() {
        #expect(Command.pass(Secret("hunter2")).debugText == "PASS ********")
        #expect(Command.pass(Secret("hunter2")).wireText == "PASS hunter2")
        #expect(Command.apop(user: "bob", digest: Secret("abc")).debugText == "APOP bob ********")
        #expect(Command.auth(mechanism: "OAUTHBEARER", initialResponse: Secret("dG9r")).debugText
            == "AUTH OAUTHBEARER ********")
        #expect(Command.saslResponse(Secret("AGJvYgBwdw==")).debugText == "********")
        #expect(Command.saslResponse(Secret("")).debugText == "")
        #expect(Command.top(3, lines: 0).wireBytes == bytes("TOP 3 0\r\n"))
        #expect(Command.user("bob").debugText == "USER bob")
    }
}

@Suite struct DigestTests {
    @Test func base64() {
        #expect(Base64.encode(bytes("\u{0}bob\u{0}pw")) == "AGJvYgBwdw==")
        #expect(Base64.encode(bytes("f")) == "Zg==")
        #expect(Base64.encode(bytes("fo")) == "Zm8=")
        #expect(Base64.encode(bytes("foo")) == "Zm9v")
    }
}

@Suite struct EnvelopeSenderTests {
    @Test(arguments: [
        (["Return-Path: <>", "Sender: s1@ex.org"], "s1@ex.org"),
        (["RETURN-PATH:   Foo Bar <a!b$c@ex.org>"], "a_b_c@ex.org"),
        (["From: a@b.c", "Subject: x"], "MAILER-DAEMON"),
        (["Sender: \"quoted name\" <q@ex.org> (comment)", "Return-Path: <r@ex.org>"], "q@ex.org"),
        (["Return-Path: a@b, c@d"], "a@b"),
        (["Return-Path:", " <folded@ex.org>"], "MAILER-DAEMON"),
        (["Return-Path: <x;rm -rf /@ex.org>"], "x_rm--rf-/@ex.org"),
        (["Subject: x", "", "Return-Path: <late@ex.org>"], "late@ex.org"),
    ])
    func mpopsVerifiedResults(header: [String], expected: String) {
        #expect(EnvelopeSender.extract(fromHeaderLines: header) == expected)
    }
}
