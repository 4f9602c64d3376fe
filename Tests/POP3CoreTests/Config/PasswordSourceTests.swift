import CSupport
import Foundation
import Testing
import TestSupport
@testable import POP3Core

@Suite struct PasswordSourceTests {
    func account(user: String? = "u", host: String = "pop.example.invalid", password: String? = nil) -> Account {
        var account = Account()
        account.name = "a"
        account.host = host
        account.user = user
        account.password = password.map(Secret.init)
        return account
    }

    @Test func configuredPasswordComesFirst() throws {
        let source = PasswordSource(secretToolPath: nil, netrcFiles: [], prompter: Answering { _ in "typed" })
        #expect(try source.obtain(for: account(password: "conf")) == Secret("conf"))
    }

    @Test func keyRingThroughSecretTool() throws {
        let dir = try TemporaryDirectory()
        let tool = try dir.write("secret-tool", """
            #!/bin/sh
            [ "$*" = "lookup host pop.example.invalid service pop3 user u" ] && printf 'ring pw' && exit 0
            exit 1

            """, mode: 0o755)
        let source = PasswordSource(secretToolPath: tool, netrcFiles: [], prompter: Answering { _ in nil })
        #expect(try source.obtain(for: account()) == Secret("ring pw"))
        #expect(throws: PasswordError.noTerminal(account: "a")) {
            try source.obtain(for: account(user: "other"))
        }
    }

    @Test func netrcMatchesHostExactlyAndLoginOrNone() throws {
        let dir = try TemporaryDirectory()
        let home = try dir.write("netrc", """
            default login u password never
            machine POP.example.invalid login u password wrongcase
            machine pop.example.invalid login other password notmine
            machine pop.example.invalid login u password "with space"
            macdef init
            machine pop.example.invalid password inmacro

            """)
        let system = try dir.write("etc-netrc", "machine pop.example.invalid password anyuser\n")
        let source = PasswordSource(secretToolPath: nil, netrcFiles: [home, system], prompter: Answering { _ in nil })
        #expect(try source.obtain(for: account()) == Secret("with space"))
        #expect(try source.obtain(for: account(user: "x")) == Secret("anyuser"))
    }

    @Test func promptNamesUserAndHost() throws {
        let source = PasswordSource(secretToolPath: nil, netrcFiles: ["/nonexistent"], prompter: Answering { text in
            text == "password for u at pop.example.invalid: " ? "typed" : nil
        })
        #expect(try source.obtain(for: account()) == Secret("typed"))
    }

    @Test func noTerminalIsAConfigurationError() {
        let source = PasswordSource(secretToolPath: nil, netrcFiles: [], prompter: Answering { _ in nil })
        #expect(throws: PasswordError.noTerminal(account: "a")) { try source.obtain(for: account()) }
        let error = PasswordError.noTerminal(account: "a")
        #expect(error.exitStatus == .config)
        #expect(error.explanation == "no password for account a and no terminal to ask for one; use passwordeval or a key ring")
    }

    @Test func realTerminalPromptFailsWithoutTerminal() throws {
        // The test runner has no controlling terminal when run by CI; when it
        // has one, this check does not apply.
        let tty = open("/dev/tty", O_RDONLY)
        guard tty < 0 else {
            close(tty)
            return
        }
        // What mpop's prompter asks (the library has none of its own).
        #expect(csupport_read_password("x: ") == nil)
    }
}

/// Answers every prompt with `answer(prompt)`.
struct Answering: PasswordPrompter {
    let answer: @Sendable (String) -> String?
    init(_ answer: @escaping @Sendable (String) -> String?) { self.answer = answer }
    func password(prompt: String) -> String? { answer(prompt) }
}

@Suite struct ShellCommandTests {
    @Test func firstLineOnly() throws {
        #expect(try ShellCommand.firstLine(of: "printf 'one\\r\\ntwo\\n'") == "one")
        #expect(try ShellCommand.firstLine(of: "printf 'cr\\r'") == "cr\r")
        #expect(try ShellCommand.firstLine(of: "echo") == "")
        #expect(throws: ShellCommand.Failure.noOutput) { try ShellCommand.firstLine(of: "exit 3") }
    }
}
