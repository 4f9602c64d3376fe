import Testing
import Auth

@Suite struct GSASLLibraryTests {
    @Test func libraryOffersTheMechanismsMpopUses() {
        for mechanism in ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"] {
            #expect(GSASLLibrary.supportsClient(mechanism), "\(mechanism)")
        }
        #expect(!GSASLLibrary.supportsClient("NO-SUCH-MECHANISM"))
    }
}
