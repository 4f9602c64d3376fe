import Foundation

/// This machine's host name, as `gethostname` gives it: what dovecot puts
/// in its APOP timestamps (`<...@NAME>`) and mpop in its Received headers.
public enum LocalHost {
    public static let name: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
