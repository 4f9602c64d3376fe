import Foundation
import POP3Core
import Testing

/// A ``Transport`` that plays the server's side of a transcript written in
/// mpop's `--debug` format, and checks what the client sends:
///
///     <-- +OK ready          server sends the line and CRLF
///     --> CAPA               client must send exactly this line and CRLF
///     <-! +OK no newline     server sends the text without CRLF
///     <-| 1024 x             server sends 1024 bytes of "x" (no CRLF)
///     !! eof                 the server closes here (reads return 0 after)
///     # comment              ignored
///
/// Server bytes are handed out at most `chunkSize` bytes per read, so a
/// transcript can be replayed split at every byte boundary. A client that
/// sends something unexpected, or reads while the script waits for a command,
/// gets ``ScriptMismatch`` thrown, which fails the test with the details.
///
/// A transcript must be played to its end: a transport that goes away with
/// steps left (a `QUIT` the client never sent, replies it never read)
/// records an issue in the running test, unless ``allowsUnplayedSteps`` says
/// the test stops early on purpose.
public final class ScriptedTransport: SocketBackedTransport, @unchecked Sendable {
    /// No real socket: -1, so peer lookups find nothing.
    public var socketDescriptor: Int32 = -1
    public var timeoutSeconds: Int? = nil
    public let cancellation = Cancellation.never

    enum Step {
        case serverSends([UInt8])
        case clientSends(String)
        case eof
    }

    private var steps: [Step]
    private var position = 0
    private var pendingServerBytes: [UInt8] = []
    /// How much of `pendingServerBytes` was already handed out.
    private var pendingOffset = 0
    private var written: [UInt8] = []
    public let chunkSize: Int
    public private(set) var closed = false
    /// Every line the client sent, in order (without CRLF).
    public private(set) var sentLines: [String] = []
    /// The lines of each write, in order: a pipelined group is one entry.
    public private(set) var writtenGroups: [[String]] = []

    /// Whether the test may leave steps unplayed (a fuzzer, a parser test
    /// that stops at the first error).
    public var allowsUnplayedSteps = false

    public init(_ transcript: String, chunkSize: Int = .max,
                sourceLocation: SourceLocation = #_sourceLocation) {
        self.chunkSize = max(1, chunkSize)
        self.sourceLocation = sourceLocation
        steps = []
        for raw in transcript.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("<-- ") {
                steps.append(.serverSends(Array(line.dropFirst(4).utf8) + [13, 10]))
            } else if line == "<--" {
                steps.append(.serverSends([13, 10]))
            } else if line.hasPrefix("<-! ") {
                steps.append(.serverSends(Array(line.dropFirst(4).utf8)))
            } else if line.hasPrefix("<-| ") {
                let parts = line.dropFirst(4).split(separator: " ", maxSplits: 1)
                let count = Int(parts[0]) ?? 0
                let byte = parts.count > 1 ? Array(parts[1].utf8)[0] : UInt8(ascii: "x")
                steps.append(.serverSends(Array(repeating: byte, count: count)))
            } else if line.hasPrefix("--> ") {
                steps.append(.clientSends(String(line.dropFirst(4))))
            } else if line == "-->" {
                steps.append(.clientSends(""))
            } else if line == "!! eof" {
                steps.append(.eof)
            }
        }
    }

    /// A peer that sends exactly `serverBytes`, then closes, and expects
    /// no command.
    public convenience init(serverBytes: [UInt8], chunkSize: Int = .max) {
        self.init("", chunkSize: chunkSize)
        steps = [.serverSends(serverBytes)]
        allowsUnplayedSteps = true
    }

    /// Where the test made this transport, for the issue about unplayed steps.
    private let sourceLocation: SourceLocation

    deinit {
        guard !allowsUnplayedSteps, !finished else { return }
        Issue.record("the transcript was not played to its end; next: \(describe(steps[min(position, steps.count - 1)]))",
                     sourceLocation: sourceLocation)
    }

    private func describe(_ step: Step) -> String {
        switch step {
        case .serverSends(let bytes):
            if pendingOffset < pendingServerBytes.count {
                return "<-- " + String(decoding: pendingServerBytes[pendingOffset...].prefix(60), as: UTF8.self)
            }
            return "<-- " + String(decoding: bytes.prefix(60), as: UTF8.self)
        case .clientSends(let line): return "--> " + line
        case .eof: return "!! eof"
        }
    }

    /// Whether every step of the script has been played.
    public var finished: Bool {
        position >= steps.count && pendingOffset == pendingServerBytes.count
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if pendingOffset == pendingServerBytes.count {
            pendingServerBytes = []
            pendingOffset = 0
            // Gather consecutive server lines, as a server would send them.
            while position < steps.count, case .serverSends(let bytes) = steps[position] {
                pendingServerBytes += bytes
                position += 1
            }
        }
        if pendingOffset == pendingServerBytes.count {
            if position >= steps.count { return 0 }
            if case .eof = steps[position] {
                // Played: every later read sees the end too.
                steps.removeSubrange(position...)
                return 0
            }
            if case .clientSends(let expected) = steps[position] {
                throw ScriptMismatch("client reads, but the script waits for --> \(expected)")
            }
        }
        let count = min(buffer.count, chunkSize, pendingServerBytes.count - pendingOffset)
        pendingServerBytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[pendingOffset..<(pendingOffset + count)]))
        }
        pendingOffset += count
        return count
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !closed else { throw ScriptMismatch("write after close") }
        written += bytes
        let linesBefore = sentLines.count
        defer {
            if sentLines.count > linesBefore { writtenGroups.append(Array(sentLines[linesBefore...])) }
        }
        while let newline = written.firstIndex(of: 10) {
            var lineBytes = Array(written[..<newline])
            written.removeFirst(newline + 1)
            guard lineBytes.last == 13 else { throw ScriptMismatch("command without CRLF") }
            lineBytes.removeLast()
            let line = String(decoding: lineBytes, as: UTF8.self)
            sentLines.append(line)
            // Server bytes not yet read stay queued; the script moves on.
            while position < steps.count, case .serverSends(let more) = steps[position] {
                pendingServerBytes += more
                position += 1
            }
            guard position < steps.count, case .clientSends(let expected) = steps[position] else {
                throw ScriptMismatch("client sent \(line) after the end of the script")
            }
            guard expected == line else {
                throw ScriptMismatch("client sent \(line), the script expects \(expected)")
            }
            position += 1
        }
    }

    public func close() {
        closed = true
    }
}

/// The client departed from the transcript.
public struct ScriptMismatch: Error, CustomStringConvertible, ReportableError {
    public let description: String
    public init(_ description: String) { self.description = description }
    public var explanation: String { "script mismatch: \(description)" }
    public var exitStatus: POP3Core.ExitStatus { .software }
}
