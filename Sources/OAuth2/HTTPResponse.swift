/// An HTTP response: its status code and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Sends form posts (`application/x-www-form-urlencoded`) to an OAuth 2.0
/// provider: ``CurlHTTPClient``, or a stand-in in tests.
public protocol HTTPClient: Sendable {
    /// Posts `form` to `url` and returns the answer, whatever its status.
    /// - Throws: ``OAuth2Error/unreachable(url:reason:)`` when there is no
    ///   answer (name lookup, connection, TLS, time limit).
    func post(_ url: String, form: [(String, String)]) throws(OAuth2Error) -> HTTPResponse
}
