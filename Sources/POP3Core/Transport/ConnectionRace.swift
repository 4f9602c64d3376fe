import Glibc

/// Connects to the first of several addresses that answers, in the style of
/// RFC 8305 ("Happy Eyeballs"): the next attempt starts after a short delay
/// or as soon as the previous one fails, earlier attempts keep running, and
/// the first to complete wins. Each attempt may take up to `timeout`.
///
/// mpop tried the addresses one after another, so a dead first address cost
/// the whole timeout; the reported error follows mpop's rules (the last
/// failure, ignoring "network unreachable" when something else went wrong).
struct ConnectionRace {
    /// The host and port as the user wrote them, for error messages.
    var host: String
    var port: Int
    var addresses: [ResolvedAddress]
    var sourceIP: String?
    var timeoutSeconds: Int?
    var attemptDelay: Duration
    /// Ends the race when a signal interrupts the wait and this is set.
    var cancellation: Cancellation = .never

    /// Why the race was lost; mirrors the `cause` of mpop's `net_open_socket`.
    enum Failure {
        case socket(Int32)
        case bind(Int32)
        case connect(Int32)
    }

    private struct Attempt {
        var descriptor: Int32
        var index: Int
        var deadline: ContinuousClock.Instant?
    }

    /// Returns the connected socket, in blocking mode, and the index of the
    /// address it reached.
    /// - Throws: `cannot create socket` or `cannot bind source ip` (71),
    ///   `cannot connect to H, port N` (75), `operation aborted` (75).
    func run() throws(NetworkError) -> (descriptor: Int32, index: Int) {
        var pending: [Attempt] = []
        var next = 0
        var nextStart = ContinuousClock.now
        var lastCause: Failure?
        var reportedErrno: Int32 = 0

        func record(_ failure: Failure) {
            lastCause = failure
            switch failure {
            case let .socket(code), let .bind(code): reportedErrno = code
            case let .connect(code): if code != ENETUNREACH { reportedErrno = code }
            }
        }
        func closeAll() {
            for attempt in pending { _ = close(attempt.descriptor) }
            pending.removeAll()
        }

        while true {
            let now = ContinuousClock.now
            if next < addresses.count && (pending.isEmpty || now >= nextStart) {
                let index = next
                next += 1
                switch start(addresses[index]) {
                case let .connected(descriptor):
                    closeAll()
                    return finish(descriptor, index)
                case let .inProgress(descriptor):
                    pending.append(Attempt(descriptor: descriptor, index: index,
                                           deadline: timeoutSeconds.map { now + .seconds($0) }))
                    nextStart = now + attemptDelay
                case let .failed(failure):
                    record(failure)
                    nextStart = now
                }
                continue
            }
            if pending.isEmpty {
                throw error(for: lastCause ?? .connect(ENETUNREACH), errno: reportedErrno)
            }

            var wake = pending.compactMap(\.deadline).min()
            if next < addresses.count { wake = min(wake ?? nextStart, nextStart) }
            var entries = pending.map { pollfd(fd: $0.descriptor, events: Int16(POLLOUT), revents: 0) }
            let ready = poll(&entries, nfds_t(entries.count), SocketIO.milliseconds(until: wake))
            if ready < 0 {
                let code = errno
                if code == EINTR && !cancellation.isCancelled { continue }
                closeAll()
                if code == EINTR { throw .aborted(.connect) }
                throw error(for: .connect(code), errno: code)
            }
            let after = ContinuousClock.now
            var stillPending: [Attempt] = []
            var winner: Attempt?
            for (attempt, entry) in zip(pending, entries) {
                if winner == nil && entry.revents != 0 {
                    var code: Int32 = 0
                    var size = socklen_t(MemoryLayout<Int32>.size)
                    if getsockopt(attempt.descriptor, SOL_SOCKET, SO_ERROR, &code, &size) < 0 { code = errno }
                    if code == 0 {
                        winner = attempt
                        continue
                    }
                    record(.connect(code))
                    _ = close(attempt.descriptor)
                    nextStart = after
                } else if let deadline = attempt.deadline, after >= deadline, winner == nil {
                    record(.connect(ETIMEDOUT))
                    _ = close(attempt.descriptor)
                    nextStart = after
                } else {
                    stillPending.append(attempt)
                }
            }
            pending = stillPending
            if let winner {
                closeAll()
                return finish(winner.descriptor, winner.index)
            }
        }
    }

    /// Restores blocking mode on the winner.
    private func finish(_ descriptor: Int32, _ index: Int) -> (descriptor: Int32, index: Int) {
        let flags = fcntl(descriptor, F_GETFL, 0)
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        return (descriptor, index)
    }

    private func error(for cause: Failure, errno code: Int32) -> NetworkError {
        let reason = systemErrorDescription(code == 0 ? ENETUNREACH : code)
        switch cause {
        case .socket: return .cannotCreateSocket(reason: reason)
        case .bind: return .cannotBindSourceIP(sourceIP ?? "", reason: reason)
        case .connect: return code == EINTR ? .aborted(.connect) : .cannotConnect(host: host, port: port, reason: reason)
        }
    }

    private enum Start {
        case connected(Int32)
        case inProgress(Int32)
        case failed(Failure)
    }

    private func start(_ address: ResolvedAddress) -> Start {
        let descriptor = socket(address.family, address.socketType | Int32(SOCK_CLOEXEC.rawValue),
                                address.protocolNumber)
        guard descriptor >= 0 else { return .failed(.socket(errno)) }
        if let sourceIP {
            let code = Self.bind(descriptor, to: sourceIP)
            if code != 0 {
                _ = close(descriptor)
                return .failed(.bind(code))
            }
        }
        let flags = fcntl(descriptor, F_GETFL, 0)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        var storage = address.storage
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, address.length) }
        }
        if result == 0 { return .connected(descriptor) }
        let code = errno
        if code == EINPROGRESS || code == EINTR { return .inProgress(descriptor) }
        _ = close(descriptor)
        return .failed(.connect(code))
    }

    /// Binds to a numeric IPv6 or IPv4 address, as mpop's
    /// `net_bind_source_ip_to_socket`; returns 0 or an errno value.
    static func bind(_ descriptor: Int32, to sourceIP: String) -> Int32 {
        var address6 = sockaddr_in6()
        if inet_pton(AF_INET6, sourceIP, &address6.sin6_addr) == 1 {
            address6.sin6_family = sa_family_t(AF_INET6)
            let result = withUnsafePointer(to: &address6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
            return result == 0 ? 0 : errno
        }
        var address4 = sockaddr_in()
        if inet_pton(AF_INET, sourceIP, &address4.sin_addr) == 1 {
            address4.sin_family = sa_family_t(AF_INET)
            let result = withUnsafePointer(to: &address4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            return result == 0 ? 0 : errno
        }
        return EINVAL
    }
}
