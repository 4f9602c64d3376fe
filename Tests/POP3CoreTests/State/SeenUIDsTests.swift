import Testing
@testable import POP3Core

/// Telling a server's UIDs old or new against a stored list.
@Suite struct SeenUIDsTests {
    @Test func agreesWithASetOfStrings() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'()*+,-./:;<=>?@[]^_`{|}~".utf8)
        func randomUID() -> String {
            let length = Int.random(in: 1...70, using: &generator)
            return String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
        }
        let stored = (0..<3000).map { _ in randomUID() }
        let table = SeenUIDs(stored.map { Array($0.utf8) })
        let reference = Set(stored)
        for uid in stored {
            #expect(table.contains(uid))
        }
        for _ in 0..<3000 {
            let uid = randomUID()
            #expect(table.contains(uid) == reference.contains(uid))
        }
    }

    @Test func prefixesDuplicatesAndTheEmptyList() {
        let table = SeenUIDs([Array("abc".utf8), Array("abc".utf8), Array("abcd".utf8)])
        #expect(table.contains("abc"))
        #expect(table.contains("abcd"))
        #expect(!table.contains("ab"))
        #expect(!table.contains("abcde"))
        #expect(!table.contains(""))
        #expect(!SeenUIDs([[UInt8]]()).contains("abc"))
    }

    /// UIDs are bytes: a bridged or non-ASCII string finds its bytes.
    @Test func comparesUTF8Bytes() {
        let table = SeenUIDs([Array("uid-é".utf8)])
        #expect(table.contains("uid-é"))
        #expect(table.contains("uid-e\u{301}") == false)
        #expect(SeenUIDs(Set(["x"])).contains("x"))
    }
}
