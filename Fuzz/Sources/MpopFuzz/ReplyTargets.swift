import POP3Core

/// Server replies: status line, greeting, CAPA, LIST, UIDL, listings and
/// message data through the line reader.
enum ReplyTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "status", run: status),
        FuzzTarget(name: "greeting", run: greeting),
        FuzzTarget(name: "capa", run: capa),
        FuzzTarget(name: "list", run: list),
        FuzzTarget(name: "uidl", run: uidl),
        FuzzTarget(name: "multiline", run: multiline),
        FuzzTarget(name: "unstuff", run: unstuff),
    ]

    static func status(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        if let line = try? StatusLine(bytes: body, allowSASL: seed & 1 == 1), line.text.unicodeScalars.count > body.count {
            violated("status text longer than the line")
        }
    }

    static func greeting(_ input: [UInt8]) {
        if let greeting = try? Greeting(line: input), let stamp = greeting.apopTimestamp,
           !(stamp.hasPrefix("<") && stamp.hasSuffix(">")) {
            violated("APOP timestamp without its angle brackets: \(stamp)")
        }
    }

    static func capa(_ input: [UInt8]) {
        var capabilities = Capabilities()
        for line in input.plainLines { capabilities.absorb(line: line) }
        _ = capabilities.offers("PLAIN")
    }

    /// The first byte is the message count STAT claimed.
    static func list(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        var listing = ScanListing(messageCount: Int(seed))
        do {
            for line in body.plainLines { try listing.absorb(line: line) }
            let sizes = try listing.finish()
            if sizes.count != Int(seed) { violated("LIST gave \(sizes.count) sizes for \(seed) messages") }
            if sizes.contains(where: { $0 < 0 }) { violated("negative size") }
        } catch {}
    }

    static func uidl(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        var listing = UniqueIDListing(messageCount: Int(seed))
        do {
            for line in body.plainLines { try listing.absorb(line: line) }
            let uids = try listing.finish()
            if uids.count != Int(seed) { violated("UIDL gave \(uids.count) UIDs for \(seed) messages") }
        } catch {}
    }

    /// Raw bytes through the line reader: a listing, then message data,
    /// both bounded, neither crashing.
    static func multiline(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        let reader = LineReader(transport: ByteTransport(body, seed: seed))
        do {
            try MultilineReader.readListing(from: reader, command: "UIDL", limit: 64) { line in
                if line.count > LineReader.maximumLineLength { violated("listing line of \(line.count) bytes") }
            }
            try MultilineReader.readData(from: reader) { _ in }
        } catch {}
    }

    /// Oracle: any lines, dot-stuffed and sent in any chunks, come back unchanged.
    static func unstuff(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        let lines = body.plainLines
        var wire: [UInt8] = []
        for line in lines {
            if line.first == UInt8(ascii: ".") { wire.append(UInt8(ascii: ".")) }
            wire += line + [13, 10]
        }
        wire += Array(".\r\n+OK after\r\n".utf8)
        let reader = LineReader(transport: ByteTransport(wire, seed: seed))
        var got: [[UInt8]] = []
        var current: [UInt8] = []
        do {
            try MultilineReader.readData(from: reader) { piece in
                current += piece.bytes
                if piece.endsLine {
                    got.append(current)
                    current = []
                }
            }
            guard let after = try reader.readLine(), after == Array("+OK after".utf8) else {
                violated("the reader lost its place after the data")
            }
        } catch {
            violated("well-formed data failed: \(error)")
        }
        if got != lines { violated("unstuffing changed the lines: \(lines.count) in, \(got.count) out") }
    }
}
