import Testing
@testable import POP3Core

@Suite struct ExitStatusTests {
    @Test func constantsAreSysexitsValues() {
        #expect(ExitStatus.usage.rawValue == 64)
        #expect(ExitStatus.dataError.rawValue == 65)
        #expect(ExitStatus.noHost.rawValue == 68)
        #expect(ExitStatus.tempFail.rawValue == 75)
        #expect(ExitStatus.protocolError.rawValue == 76)
        #expect(ExitStatus.noPermission.rawValue == 77)
        #expect(ExitStatus.config.rawValue == 78)
    }

    @Test func childStatusDescriptionsMatchMpop() {
        #expect(ExitStatus.tempFail.sysexitsDescription == "EX_TEMPFAIL: temporary failure")
        #expect(ExitStatus(rawValue: 3).sysexitsDescription == nil)
    }

    @Test func unclassifiedErrorsAreSoftwareErrors() {
        struct Odd: Error {}
        #expect(exitStatus(for: Odd()) == .software)
        #expect(exitStatus(for: MessageError("x", exitStatus: .config)) == .config)
    }

    @Test func sanitizingReplacesControlCharacters() {
        #expect(Sanitizer.sanitized("a\u{1b}[31mb\r") == "a?[31mb?")
        #expect(Sanitizer.sanitized("plain café") == "plain café")
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "********")
        #expect(String(reflecting: secret) == "Secret(********)")
    }
}
