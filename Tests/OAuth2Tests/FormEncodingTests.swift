import Testing
@testable import OAuth2

@Suite struct FormEncodingTests {
    @Test func escapesAllButUnreservedCharacters() {
        #expect(FormEncoding.escaped("a b&c=d/é~_.-") == "a%20b%26c%3Dd%2F%C3%A9~_.-")
        #expect(FormEncoding.encoded([("scope", "https://mail.google.com/"), ("x", "")])
                == "scope=https%3A%2F%2Fmail.google.com%2F&x=")
    }

    @Test func decodesQueries() {
        let pairs = FormEncoding.decoded("code=4%2F0Ab+c&state=xyz&empty=&bad=%zz")
        #expect(pairs.map(\.0) == ["code", "state", "empty", "bad"])
        #expect(pairs.map(\.1) == ["4/0Ab c", "xyz", "", "%zz"])
    }

    @Test func onlyHTTPSOrLoopbackHTTPIsAllowed() {
        #expect(CurlHTTPClient.isAllowed("https://oauth2.googleapis.com/token"))
        #expect(CurlHTTPClient.isAllowed("http://127.0.0.1:8080/token"))
        #expect(CurlHTTPClient.isAllowed("http://localhost/token"))
        #expect(!CurlHTTPClient.isAllowed("http://localhost.example.com/token"))
        #expect(!CurlHTTPClient.isAllowed("http://login.example.com/token"))
        #expect(!CurlHTTPClient.isAllowed("ftp://127.0.0.1/token"))
    }
}
