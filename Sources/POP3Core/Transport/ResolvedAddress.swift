import Glibc

/// One address `getaddrinfo` gave for a host, copied out of its list.
struct ResolvedAddress {
    var family: Int32
    var socketType: Int32
    var protocolNumber: Int32
    var storage: sockaddr_storage
    var length: socklen_t

    /// Resolves `host` and `port` for a stream connection over IPv4 or IPv6,
    /// in the order the resolver prefers (RFC 6724).
    /// - Throws: `cannot locate host H: <gai_strerror>` (a temporary
    ///   failure when the resolver says `EAI_AGAIN`), or `operation aborted`
    ///   when a signal interrupted the lookup.
    static func resolve(host: String, port: Int) throws(NetworkError) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            let code = errno
            // EAI_SYSTEM: the reason is in errno.
            if status == -11 {
                if code == EINTR { throw .aborted(.lookup) }
                throw .hostNotFound(host: host, reason: systemErrorDescription(code))
            }
            let reason = String(cString: gai_strerror(status))
            // The name server did not answer in time: the host may well
            // exist, so this is worth retrying (mpop 1.4.19 and later).
            if status == EAI_AGAIN { throw .hostLookupFailedTemporarily(host: host, reason: reason) }
            throw .hostNotFound(host: host, reason: reason)
        }
        defer { freeaddrinfo(list) }
        var result: [ResolvedAddress] = []
        var entry = list
        while let current = entry?.pointee {
            if let address = current.ai_addr, Int(current.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(current.ai_addrlen)))
                }
                result.append(ResolvedAddress(family: current.ai_family, socketType: current.ai_socktype,
                                              protocolNumber: current.ai_protocol, storage: storage,
                                              length: current.ai_addrlen))
            }
            entry = current.ai_next
        }
        return result
    }

    /// Orders addresses as RFC 8305 section 4 suggests: the resolver's first
    /// choice first, then alternating between the two families, so that a
    /// broken family costs one stagger delay rather than one timeout per
    /// address.
    static func interleavingFamilies(_ addresses: [ResolvedAddress]) -> [ResolvedAddress] {
        guard let first = addresses.first else { return [] }
        var preferred = addresses.filter { $0.family == first.family }[...]
        var other = addresses.filter { $0.family != first.family }[...]
        var result: [ResolvedAddress] = []
        while !preferred.isEmpty || !other.isEmpty {
            if let next = preferred.popFirst() { result.append(next) }
            if let next = other.popFirst() { result.append(next) }
        }
        return result
    }

    /// `getnameinfo` with `flags`, or `nil` when it fails.
    func nameInfo(flags: Int32) -> String? {
        var storage = self.storage
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &buffer, socklen_t(buffer.count), nil, 0, flags)
            }
        }
        guard status == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
