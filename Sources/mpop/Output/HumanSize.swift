#if canImport(Glibc)
import Glibc
#endif

/// Sizes as mpop prints them (`mpop_hr_size`): computed in single-precision
/// float, `%.2f` with a binary unit from 1 KiB on, else whole bytes.
enum HumanSize {
    static func format(_ size: Int64) -> String {
        let gib: Int64 = 1024 * 1024 * 1024
        let mib: Int64 = 1024 * 1024
        if size >= gib { return fixed2(Float(size) / Float(gib)) + " GiB" }
        if size >= mib { return fixed2(Float(size) / Float(mib)) + " MiB" }
        if size >= 1024 { return fixed2(Float(size) / Float(1024)) + " KiB" }
        if size == 1 { return "1 byte" }
        return "\(size) bytes"
    }

    /// `%.2f` of a float promoted to double, as printf does.
    static func fixed2(_ value: Float) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([Double(value)]) { vsnprintf(&buffer, buffer.count, "%.2f", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
