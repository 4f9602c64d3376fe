import Testing
import TLSGnu

@Suite struct GnuTLSLibraryTests {
    @Test func versionComesFromTheLibrary() {
        let parts = GnuTLSLibrary.version.split(separator: ".")
        #expect(parts.count >= 2)
        #expect(parts.allSatisfy { Int($0) != nil })
    }
}
