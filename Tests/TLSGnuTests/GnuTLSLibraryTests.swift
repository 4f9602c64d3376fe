import Testing
import POP3Core
import TLSGnu

@Suite struct GnuTLSLibraryTests {
    @Test func versionComesFromTheLibrary() {
        let parts = GnuTLSLibrary.version.split(separator: ".")
        #expect(parts.count >= 2)
        #expect(parts.allSatisfy { Int($0) != nil })
    }
}

@Suite struct GnuTLSMD5Tests {
    @Test func knownAnswers() {
        let md5 = GnuTLSMD5()
        #expect(md5.md5Hex([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(md5.md5Hex(Array("The quick brown fox jumps over the lazy dog".utf8)) == "9e107d9d372bb6826bd81d3542a419d6")
        // RFC 1939 §7's APOP example.
        #expect(md5.md5Hex(Array("<1896.697170952@dbc.mtview.ca.us>tanstaaf".utf8)) == "c4c9334bac560ecc979e58001b3e22fb")
        #expect(md5.md5Hex(Array(repeating: 0x61, count: 1000)) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }
}
