import Testing
@testable import POP3Core

/// The configuration language without a file or a process: `eval` goes
/// through a stub.
@Suite struct ConfigFileParserTests {
    let home = "/home/u"

    func parse(_ text: String, evaluate: @escaping ConfigFileParser.Evaluator = { _ throws(ShellCommand.Failure) in
        throw .noOutput
    }) throws(ConfigError) -> ConfigFileParser.Contents {
        try ConfigFileParser(file: "rc", home: home, evaluate: evaluate).parse(Array(text.utf8))
    }

    func account(_ name: String, in contents: ConfigFileParser.Contents) -> AccountSettings? {
        contents.accounts.first { $0.name == name }
    }

    @Test func inheritsFromTwoAccountsInOrder() throws {
        let contents = try parse("""
            account a
            host a.invalid
            port 5
            user ua
            account b
            host b.invalid
            keep
            account c : a, b
            filter f

            """)
        let c = try #require(account("c", in: contents))
        #expect(c.host == "b.invalid")
        #expect(c.port == 5)
        #expect(c.user == "ua")
        #expect(c.keep == .on)
        #expect(c.filter == "f")
        #expect(c.explicitlySet == [.host, .port, .user, .keep, .filter])
        #expect(c.configurationFile == "rc")
    }

    @Test func inheritanceCopiesOnlyExplicitSettings() throws {
        let contents = try parse("""
            defaults
            user first
            account a
            host h
            defaults
            user second
            account c : a

            """)
        let c = try #require(account("c", in: contents))
        #expect(c.user == "second")
        #expect(c.host == "h")
    }

    @Test func defaultsAreCopiedWhenTheAccountLineIsRead() throws {
        let contents = try parse("""
            defaults
            timeout 9
            account a
            defaults
            timeout off
            account b

            """)
        #expect(account("a", in: contents)?.timeout == 9)
        #expect(account("b", in: contents)?.timeout == nil)
        #expect(account("a", in: contents)?.explicitlySet == [])
    }

    @Test func evalReplacesTheLine() throws {
        let contents = try parse("account a\neval get-host\n") { command throws(ShellCommand.Failure) in
            #expect(command == "get-host")
            return "host from.eval"
        }
        #expect(account("a", in: contents)?.host == "from.eval")
    }

    @Test func evalProducingNothingIsAnInputError() {
        #expect(throws: ConfigError.evalProducedNothing(file: "rc", command: "true")) {
            try parse("account a\neval true\n")
        }
        #expect(ConfigError.evalProducedNothing(file: "rc", command: "true").exitStatus == .ioError)
    }

    @Test func evalProducingAnEmptyLineIsIgnored() throws {
        let contents = try parse("account a\neval x\nhost h\n") { _ throws(ShellCommand.Failure) in "" }
        #expect(account("a", in: contents)?.host == "h")
    }

    @Test func evalOutputIsNotEvaluatedAgain() {
        #expect(throws: ConfigError.syntax(file: "rc", line: 2, message: "unknown command eval")) {
            try parse("account a\neval x\n") { _ throws(ShellCommand.Failure) in "eval y" }
        }
    }

    @Test func passwordFromEvalIsNoSecretInTheFile() throws {
        let fromEval = try parse("account a\neval x\n") { _ throws(ShellCommand.Failure) in "password p" }
        #expect(!fromEval.containsSecrets)
        #expect(account("a", in: fromEval)?.password == Secret("p"))
        #expect(try parse("account a\npassword\n").containsSecrets)
    }

    @Test func lineOf500CharactersIsTooLong() throws {
        let limit = "account a\nuser " + String(repeating: "x", count: 494) + "\n"
        #expect(account("a", in: try parse(limit))?.user?.utf8.count == 494)
        let tooLong = "account a\nuser " + String(repeating: "x", count: 496) + "\n"
        #expect(throws: ConfigError.lineTooLong(file: "rc")) { try parse(tooLong) }
        #expect(ConfigError.lineTooLong(file: "rc").explanation == "rc: line longer than 500 characters")
    }

    @Test func crlfLineEndings() throws {
        let contents = try parse("account a\r\nhost h\r\nuser u \r\n")
        #expect(account("a", in: contents)?.host == "h")
        #expect(account("a", in: contents)?.user == "u")
    }

    @Test func quotedArgumentsWithSpaces() throws {
        let contents = try parse("account a\nuser   \"john  smith \"  \nfilter \"x\" \"y\"\nntlmdomain \"\n")
        let a = try #require(account("a", in: contents))
        #expect(a.user == "john  smith ")
        #expect(a.filter == "x\" \"y")
        #expect(a.ntlmDomain == "\"")
    }

    @Test func commentsAndBlankLinesKeepLineNumbers() {
        #expect(throws: ConfigError.syntax(file: "rc", line: 4, message: "first command must be account or defaults")) {
            try parse("# comment\n\n \t \n  host x\n")
        }
    }

    @Test(arguments: [
        ("defaults x", 1, "command defaults does not take an argument"),
        ("account", 1, "missing account name"),
        ("account a,b", 1, "an account name must not contain colons or commas"),
        ("account b : a", 1, "account a not (yet) defined"),
        ("account a\naccount a", 2, "account a was already defined"),
        ("account a\nport 0", 2, "invalid argument 0 for command port"),
        ("account a\ntimeout", 2, "command timeout needs an argument"),
        ("account a\nkillsize 1x", 2, "invalid size (not a number or out of range): 1x"),
        ("account a\ndelivery mbox", 2, "invalid argument mbox for command delivery"),
        ("account a\nauth PLAIN", 2, "invalid argument PLAIN for command auth"),
        ("account a\nmda cat", 2, "unknown command mda"),
    ])
    func syntaxErrors(text: String, line: Int, message: String) {
        #expect(throws: ConfigError.syntax(file: "rc", line: line, message: message)) {
            try parse(text + "\n")
        }
    }

    @Test func tildeExpansionAndDelivery() throws {
        let contents = try parse("""
            account a
            delivery maildir "~/Mail box"
            tls_trust_file ~/ca
            socket ~/s
            account b
            delivery mda ~/bin/x %F

            """)
        #expect(account("a", in: contents)?.delivery == .maildir("/home/u/Mail box"))
        #expect(account("a", in: contents)?.tlsTrustFile == "/home/u/ca")
        #expect(account("a", in: contents)?.socket == "~/s")
        #expect(account("b", in: contents)?.delivery == .mda("~/bin/x %F"))
    }
}
