import Testing
@testable import POP3Core

@Suite struct ReceivedHeaderTests {
    @Test func layout() {
        let lines = ReceivedHeader.lines(
            server: ServerIdentity(host: "127.0.0.1", canonicalName: "localhost", address: "127.0.0.1"),
            localCanonicalName: "vm", localUser: "root", time: 1_795_307_061)
        #expect(lines.count == 3)
        #expect(lines[0] == "Received: from 127.0.0.1 (localhost [127.0.0.1])")
        #expect(lines[1] == "\tby vm (mpop-1.4.18) with POP3")
        #expect(lines[2].hasPrefix("\tfor <root>; "))
    }

    @Test func serverDetailVariants() {
        #expect(ServerIdentity(host: "h", canonicalName: "c").hostWithDetails == "h (c)")
        #expect(ServerIdentity(host: "h", address: "::1").hostWithDetails == "h ([::1])")
        #expect(ServerIdentity(host: "h").hostWithDetails == "h")
    }

    @Test func userIsSanitised() {
        #expect(ReceivedHeader.sanitizedUser("we ird$us.er-x_y") == "we-ird_us.er-x_y")
    }

    @Test func dateShape() {
        let date = ReceivedHeader.rfc2822Date(1_795_307_061)
        let parts = date.split(separator: " ")
        #expect(parts.count == 6)
        #expect(["Sat,", "Sun,", "Mon,"].contains(String(parts[0])))
        #expect(parts[1].count == 2 && parts[3] == "2026")
        #expect(parts[4].count == 8)
        #expect(parts[5].count == 5 && (parts[5].hasPrefix("+") || parts[5].hasPrefix("-")))
    }
}
