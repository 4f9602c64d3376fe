import Foundation
import POP3Core

/// Reads from `transport` until a line feed or the end of the stream.
func readLine(_ transport: any Transport) throws -> String {
    var line: [UInt8] = []
    var byte: [UInt8] = [0]
    while line.last != UInt8(ascii: "\n") {
        let count = try byte.withUnsafeMutableBytes { try transport.read(into: $0) }
        if count == 0 { break }
        line.append(byte[0])
    }
    return String(decoding: line, as: UTF8.self)
}

func write(_ transport: any Transport, _ text: String) throws {
    try Array(text.utf8).withUnsafeBytes { try transport.write($0) }
}

/// Runs `body`, expecting it to throw a `NetworkError`, and returns that.
func networkError<T>(_ body: () throws -> T) -> NetworkError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? NetworkError
    }
}
