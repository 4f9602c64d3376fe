import CCurl

/// Form posts over HTTPS through libcurl (the GnuTLS flavour, so mpop keeps
/// one TLS stack), with the account's trust settings (``HTTPTrust``).
///
/// Only `https` is allowed, and `http` to loopback; no redirects are
/// followed (a token endpoint has no reason to redirect a POST), and an
/// answer is read up to 1 MiB.
public struct CurlHTTPClient: HTTPClient {
    public let trust: HTTPTrust
    static let maximumBody = 1 << 20

    public init(trust: HTTPTrust) {
        self.trust = trust
    }

    /// `nil` once libcurl is loaded and initialized; otherwise why not.
    private static let unavailable: String? = {
        if let failure = ccurl_load() { return String(cString: failure) }
        return ccurl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK ? nil : "libcurl cannot start"
    }()

    /// Collects the body; a class so that libcurl's callback can reach it.
    private final class Sink {
        var bytes: [UInt8] = []
        var overflowed = false
    }

    public func post(_ url: String, form: [(String, String)]) throws(OAuth2Error) -> HTTPResponse {
        if let reason = Self.unavailable { throw .unreachable(url: url, reason: reason) }
        guard let curl = ccurl_easy_init() else { throw .unreachable(url: url, reason: "libcurl cannot start") }
        defer { ccurl_easy_cleanup(curl) }
        let sink = Sink()
        let body = FormEncoding.encoded(form)
        let headers = ccurl_slist_append(nil, "Accept: application/json")
        defer { ccurl_slist_free_all(headers) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = withExtendedLifetime(sink) {
            errorBuffer.withUnsafeMutableBufferPointer { errorText in
                _ = ccurl_setopt_string(curl, CURLOPT_URL, url)
                _ = ccurl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, Self.isLoopbackHTTP(url) ? "http" : "https")
                _ = ccurl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
                _ = ccurl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
                _ = ccurl_setopt_string(curl, CURLOPT_USERAGENT, "mpop")
                _ = ccurl_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, body)
                _ = ccurl_setopt_slist(curl, CURLOPT_HTTPHEADER, headers)
                _ = ccurl_setopt_pointer(curl, CURLOPT_ERRORBUFFER, errorText.baseAddress)
                if let file = trust.trustFile { _ = ccurl_setopt_string(curl, CURLOPT_CAINFO, file) }
                if let file = trust.crlFile { _ = ccurl_setopt_string(curl, CURLOPT_CRLFILE, file) }
                if let proxy = trust.proxy { _ = ccurl_setopt_string(curl, CURLOPT_PROXY, proxy) }
                if let seconds = trust.timeoutSeconds { _ = ccurl_setopt_long(curl, CURLOPT_TIMEOUT, seconds) }
                _ = ccurl_setopt_pointer(curl, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
                _ = ccurl_setopt_write_function(curl) { data, size, count, context in
                    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                    let length = size * count
                    guard sink.bytes.count + length <= CurlHTTPClient.maximumBody else {
                        sink.overflowed = true
                        return 0
                    }
                    data!.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
                    }
                    return length
                }
                return ccurl_easy_perform(curl)
            }
        }
        if sink.overflowed {
            throw .invalidResponse(url: url, problem: "the answer is longer than 1 MiB")
        }
        guard code == CURLE_OK else {
            let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .unreachable(url: url, reason: detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail)
        }
        var status = 0
        _ = ccurl_response_code(curl, &status)
        return HTTPResponse(status: status, body: sink.bytes)
    }

    /// Whether `url` is `http://` to 127.0.0.1, `[::1]` or `localhost`.
    static func isLoopbackHTTP(_ url: String) -> Bool {
        ["http://127.0.0.1", "http://[::1]", "http://localhost"].contains { prefix in
            url.hasPrefix(prefix) && url.dropFirst(prefix.count).first.map { $0 == ":" || $0 == "/" } ?? true
        }
    }

    /// Whether requests may go to `url`: `https://`, or `http://` to loopback.
    public static func isAllowed(_ url: String) -> Bool {
        url.hasPrefix("https://") || isLoopbackHTTP(url)
    }

    /// Which TLS library libcurl uses, as it names it (`GnuTLS/3.7.9`).
    public static var tlsLibrary: String {
        ccurl_ssl_version().map { String(cString: $0) } ?? ""
    }
}
