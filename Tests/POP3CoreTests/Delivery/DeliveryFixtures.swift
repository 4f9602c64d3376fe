import Foundation
@testable import POP3Core

/// A message as the engine hands it to a sink: lines without line endings,
/// already dot-unstuffed.
struct FixtureMessage: CustomStringConvertible {
    let name: String
    let lines: [[UInt8]]
    /// The message as a server stores it.
    let raw: [UInt8]

    /// Splits `text` at LF; a final LF does not start another line, and a last
    /// line without LF is still a line (the server ends every line with CRLF).
    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        raw = bytes
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if bytes.last == UInt8(ascii: "\n") || bytes.isEmpty {
            lines.removeLast()
        }
        self.lines = lines
    }

    init(_ name: String, _ text: String) {
        self.init(name, bytes: Array(text.utf8))
    }

    var description: String { name }

    /// What a sink must store for the message body: every line with `ending`,
    /// and with `quoting` a line matching `>*From ` gets one more `>`.
    func expectedBody(quoting: Bool = false, ending: [UInt8] = [UInt8(ascii: "\n")]) -> [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            if quoting && Self.isFromLine(line) {
                out.append(UInt8(ascii: ">"))
            }
            out += line + ending
        }
        return out
    }

    static func isFromLine(_ line: [UInt8]) -> Bool {
        let rest = line.drop { $0 == UInt8(ascii: ">") }
        return rest.starts(with: Array("From ".utf8))
    }

    /// The samples every sink is fed.
    static let samples: [FixtureMessage] = [
        FixtureMessage("From lines, dots and 8-bit bytes", bytes: Array("""
            Return-Path: <bounce@example.org>
            From: a@example.org
            Subject: one

            Hello
            From the body
            >From quoted
            >>From twice
            From
            >From
            Fromage
             From indented
            .dot line
            ..two dots

            """.utf8) + Array("8-bit: caf".utf8) + [0xc3, 0xa9, 0x20, 0xff, 0xfe, 0x80, 0x0a]
            + Array("tab\there\nlone\rCR\n".utf8)),
        FixtureMessage("a 100 KB line", "Subject: long\n\n" + String(repeating: "0123456789", count: 10_000) + "\nend\n"),
        FixtureMessage("no final newline", "Subject: short\n\nlast line"),
        FixtureMessage("empty body", "Subject: empty\n\n"),
        FixtureMessage("empty message", ""),
    ]
}

/// How the lines are cut into pieces for `append`.
enum Piecing: CustomStringConvertible, CaseIterable {
    /// Each line in one piece.
    case wholeLines
    /// As the engine cuts: the first 4,000 bytes, then 4,095-byte pieces.
    case engineChunks
    /// Every byte alone (and an empty piece before each line end).
    case singleBytes

    var description: String {
        switch self {
        case .wholeLines: return "whole lines"
        case .engineChunks: return "engine chunks"
        case .singleBytes: return "single bytes"
        }
    }

    func pieces(of line: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .wholeLines:
            return [line[...]]
        case .engineChunks:
            var pieces: [ArraySlice<UInt8>] = []
            var start = 0
            var size = 4000
            repeat {
                let end = min(line.count, start + size)
                pieces.append(line[start..<end])
                start = end
                size = 4095
            } while start < line.count
            return pieces
        case .singleBytes:
            return line.indices.map { line[$0...$0] } + [line[line.endIndex...]]
        }
    }
}

enum Feed {
    /// Writes `message` through `append`, cut as `piecing` says.
    static func lines(_ message: FixtureMessage, piecing: Piecing,
                      _ append: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        for line in message.lines {
            let pieces = piecing.pieces(of: line)
            for (index, piece) in pieces.enumerated() {
                try piece.withUnsafeBytes { try append($0, index == pieces.count - 1) }
            }
        }
    }

    /// Delivers `message` into `sink` and commits it.
    static func deliver(_ message: FixtureMessage, to sink: any MessageSink, piecing: Piecing = .wholeLines,
                        envelopeFrom: String? = nil, receivedHeader: [String]? = nil) throws {
        let writer = try sink.begin(envelopeFrom: envelopeFrom, receivedHeader: receivedHeader)
        try lines(message, piecing: piecing) { try writer.append($0, endsLine: $1) }
        try writer.commit()
    }
}

/// A Received header as the engine builds it (content is not the sinks' business).
let sampleReceivedHeader = [
    "Received: from pop.example.org (pop.example.org [192.0.2.1])",
    "\tby vm (mpop-1.4.18) with POP3",
    "\tfor <joe>; Sun, 22 Nov 2026 00:23:05 +0000",
]


func readFile(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

func listDirectory(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}

func fileMode(_ path: String) -> Int {
    var info = stat()
    stat(path, &info)
    return Int(info.st_mode & 0o7777)
}

/// File system calls whose writes fail with `errno` once `limit` bytes have
/// gone through, and that count the calls made.
final class FaultyCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var written = 0
    private(set) var writeCalls = 0
    private(set) var fsyncCalls = 0
    var writeLimit = Int.max
    var writeErrno = ENOSPC
    var linkErrno: Int32?
    var fsyncErrno: Int32?

    var calls: FileSystemCalls {
        FileSystemCalls(
            write: { [self] fd, bytes, count in
                lock.lock()
                defer { lock.unlock() }
                writeCalls += 1
                let allowed = min(count, writeLimit - written)
                if allowed <= 0 {
                    errno = writeErrno
                    return -1
                }
                let result = Glibc.write(fd, bytes, allowed)
                if result > 0 { written += result }
                return result
            },
            linkat: { [self] directory, from, to in
                if let linkErrno {
                    errno = linkErrno
                    return -1
                }
                return Glibc.linkat(directory, from, directory, to, 0)
            },
            fsync: { [self] fd in
                lock.lock()
                fsyncCalls += 1
                lock.unlock()
                if let fsyncErrno {
                    errno = fsyncErrno
                    return -1
                }
                return Glibc.fsync(fd)
            })
    }
}
