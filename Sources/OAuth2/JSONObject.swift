import CJSONC

/// A JSON object parsed by json-c, read one top-level member at a time.
///
/// The token endpoint's answers (RFC 6749 §5.1, §5.2; RFC 8628 §3.2) and
/// the token file are flat objects of strings and numbers; this type gives
/// no more than that.
public final class JSONObject {
    private let root: OpaquePointer

    /// Parses `bytes`; `nil` unless they are exactly one JSON object.
    public init?(parsing bytes: [UInt8]) {
        guard let tokener = json_tokener_new() else { return nil }
        defer { json_tokener_free(tokener) }
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                json_tokener_parse_ex(tokener, chars.baseAddress, Int32(clamping: chars.count))
            }
        }
        guard let parsed else { return nil }
        guard json_tokener_get_error(tokener) == json_tokener_success,
              json_tokener_get_parse_end(tokener) == bytes.count || Self.onlyBlanks(after: json_tokener_get_parse_end(tokener), in: bytes),
              json_object_is_type(parsed, json_type_object) != 0 else {
            json_object_put(parsed)
            return nil
        }
        root = parsed
    }

    private static func onlyBlanks(after end: Int, in bytes: [UInt8]) -> Bool {
        end <= bytes.count && bytes[end...].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    deinit {
        json_object_put(root)
    }

    private func member(_ key: String) -> OpaquePointer? {
        var value: OpaquePointer?
        guard json_object_object_get_ex(root, key, &value) != 0 else { return nil }
        return value
    }

    /// The string member `key`; `nil` when absent or not a string.
    public func string(_ key: String) -> String? {
        guard let value = member(key), json_object_is_type(value, json_type_string) != 0,
              let text = json_object_get_string(value) else { return nil }
        let length = Int(json_object_get_string_len(value))
        return text.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
    }

    /// The integer member `key`, also from a string of digits (some
    /// providers send `"expires_in": "3599"`); `nil` otherwise.
    public func integer(_ key: String) -> Int64? {
        guard let value = member(key) else { return nil }
        if json_object_is_type(value, json_type_int) != 0 {
            return json_object_get_int64(value)
        }
        if json_object_is_type(value, json_type_double) != 0 {
            return Int64(exactly: json_object_get_double(value).rounded(.down))
        }
        return string(key).flatMap { Int64($0) }
    }

    /// The boolean member `key`; `nil` when absent or not a boolean.
    public func boolean(_ key: String) -> Bool? {
        guard let value = member(key), json_object_is_type(value, json_type_boolean) != 0 else { return nil }
        return json_object_get_boolean(value) != 0
    }

    /// A flat object of `members` as JSON text, in their order, written by json-c.
    public static func text(_ members: [(String, JSONScalar)]) -> String {
        guard let object = json_object_new_object() else { preconditionFailure("json-c: out of memory") }
        defer { json_object_put(object) }
        for (key, value) in members {
            let member: OpaquePointer?
            switch value {
            case .string(let text): member = json_object_new_string_len(text, Int32(clamping: text.utf8.count))
            case .integer(let number): member = json_object_new_int64(number)
            case .boolean(let flag): member = json_object_new_boolean(flag ? 1 : 0)
            }
            json_object_object_add(object, key, member)
        }
        return String(cString: json_object_to_json_string_ext(object, JSON_C_TO_STRING_PLAIN))
    }
}

/// A member value of ``JSONObject/text(_:)``.
public enum JSONScalar: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
}
