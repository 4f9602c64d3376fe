import POP3Core

/// Reads from `transport` until a line feed or the end of the stream.
public func readLine(_ transport: any Transport) throws -> String {
    var line: [UInt8] = []
    var byte: [UInt8] = [0]
    while line.last != UInt8(ascii: "\n") {
        let count = try byte.withUnsafeMutableBytes { try transport.read(into: $0) }
        if count == 0 { break }
        line.append(byte[0])
    }
    return String(decoding: line, as: UTF8.self)
}

/// Writes `text` to `transport` as it is (no line ending added).
public func write(_ transport: any Transport, _ text: String) throws {
    try Array(text.utf8).withUnsafeBytes { try transport.write($0) }
}
