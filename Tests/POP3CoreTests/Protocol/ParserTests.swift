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

    @Test(arguments: ["+ok", "-err x", "OK", "", "+", "* OK", "+ ", "- no"])
    func invalidOutsideSASL(line: String) {
        #expect(throws: POP3Error.self) { try StatusLine(bytes: bytes(line)) }
    }

    @Test func saslContinuations() throws {
        let plus = try StatusLine(bytes: bytes("+ "), allowSASL: true)
        #expect(plus.isContinuation && plus.text == "")
        let challenge = try StatusLine(bytes: bytes("+ PDE4OTYu"), allowSASL: true)
        #expect(challenge.text == "PDE4OTYu")
        let minus = try StatusLine(bytes: bytes("- failed"), allowSASL: true)
        #expect(!minus.isPositive)
        #expect(!(try StatusLine(bytes: bytes("+OK done"), allowSASL: true)).isContinuation)
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
        // mailutils' EXPIRENEVER: prefix EXPIRE, then "EVER" reads as 0 days, as in mpop.
        #expect(caps.expire == 0 && !caps.expireNever)
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
        #expect(try listing.finish() == ["uid with spaces #1", "000000016b023c8b"])
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
