#if canImport(Glibc)
import Glibc
#endif

/// DNS SRV records (RFC 2782) through the C library's resolver, for
/// `--configure` (mpop's `net.c:net_get_srv_record`).
public enum SRVLookup {
    public struct Record: Sendable, Equatable {
        public var priority: UInt16
        public var weight: UInt16
        public var port: UInt16
        public var target: String
    }

    public enum Failure: Error, Equatable {
        /// The C library has no `res_query` (mpop: "this system lacks libresolv").
        case noResolver
        /// No answer, or no SRV record in it.
        case notFound
    }

    private typealias ResQuery = @convention(c) (
        UnsafePointer<CChar>?, Int32, Int32, UnsafeMutablePointer<UInt8>?, Int32) -> Int32

    /// The record mpop would choose for `query` (for example
    /// `_pop3s._tcp.example.org`): the lowest priority, and among those the
    /// highest weight, the first one winning ties.
    public static func lookup(_ query: String) throws(Failure) -> Record {
        // glibc 2.34 moved res_query into libc, but no Swift module exports
        // <resolv.h>; find the symbol at run time instead.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "res_query") else {
            throw .noResolver
        }
        let resQuery = unsafeBitCast(symbol, to: ResQuery.self)
        var answer = [UInt8](repeating: 0, count: 65536)
        let length = query.withCString { name in
            resQuery(name, 1 /* C_IN */, 33 /* T_SRV */, &answer, Int32(answer.count))
        }
        guard length > 0 else { throw .notFound }
        guard let best = choose(parseAnswers(Array(answer[0..<Int(length)]))) else {
            throw .notFound
        }
        return best
    }

    /// The preferred record, or `nil` for none. A target of `.` (RFC 2782:
    /// the service is not offered here) is never chosen.
    public static func choose(_ records: [Record]) -> Record? {
        var best: Record?
        for record in records where !record.target.isEmpty {
            if let current = best {
                if record.priority < current.priority
                    || (record.priority == current.priority && record.weight > current.weight) {
                    best = record
                }
            } else {
                best = record
            }
        }
        return best
    }

    /// The SRV records in the answer section of a DNS reply (RFC 1035 4.1).
    public static func parseAnswers(_ message: [UInt8]) -> [Record] {
        guard message.count >= 12 else { return [] }
        let questions = Int(message[4]) << 8 | Int(message[5])
        let answers = Int(message[6]) << 8 | Int(message[7])
        var offset = 12
        for _ in 0..<questions {
            guard let (_, next) = name(in: message, at: offset) else { return [] }
            offset = next + 4
        }
        var records: [Record] = []
        for _ in 0..<answers {
            guard let (_, next) = name(in: message, at: offset), next + 10 <= message.count else { break }
            let type = Int(message[next]) << 8 | Int(message[next + 1])
            let dataLength = Int(message[next + 8]) << 8 | Int(message[next + 9])
            let data = next + 10
            guard data + dataLength <= message.count else { break }
            if type == 33 && dataLength >= 7, let (target, _) = name(in: message, at: data + 6) {
                func u16(_ at: Int) -> UInt16 { UInt16(message[at]) << 8 | UInt16(message[at + 1]) }
                records.append(Record(priority: u16(data), weight: u16(data + 2), port: u16(data + 4), target: target))
            }
            offset = data + dataLength
        }
        return records
    }

    /// A possibly compressed domain name at `offset`, as `dn_expand` spells
    /// it (no final dot), and the offset just after it in place.
    static func name(in message: [UInt8], at offset: Int) -> (String, Int)? {
        var labels: [String] = []
        var position = offset
        var end: Int?
        var jumps = 0
        while true {
            guard position < message.count else { return nil }
            let length = Int(message[position])
            if length == 0 {
                return (labels.joined(separator: "."), end ?? position + 1)
            }
            if length & 0xC0 == 0xC0 {
                guard position + 1 < message.count, jumps < 64 else { return nil }
                if end == nil { end = position + 2 }
                position = (length & 0x3F) << 8 | Int(message[position + 1])
                jumps += 1
                continue
            }
            guard position + 1 + length <= message.count else { return nil }
            labels.append(String(decoding: message[(position + 1)...(position + length)], as: UTF8.self))
            position += 1 + length
        }
    }
}
