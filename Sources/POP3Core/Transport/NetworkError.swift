import Glibc

/// A failure to reach the server or to move bytes over its socket, worded as
/// mpop's `net.c` words it and mapped to `net_exitcode`'s statuses.
public enum NetworkError: ReportableError, Equatable, Sendable {
    /// Where a signal interrupted us; mpop reports each with the exit status
    /// of the step it interrupted.
    public enum Stage: Sendable, Equatable {
        case lookup, connect, transfer
    }

    /// `getaddrinfo` failed: `cannot locate host H: <reason>`.
    case hostNotFound(host: String, reason: String)
    /// `getaddrinfo` said `EAI_AGAIN` (no answer from the name server in
    /// time): the same words as ``hostNotFound(host:reason:)``, but a
    /// temporary failure, as in mpop 1.4.19 and later.
    case hostLookupFailedTemporarily(host: String, reason: String)
    /// `cannot create socket: <strerror>`.
    case cannotCreateSocket(reason: String)
    /// `cannot bind source ip IP: <strerror>`.
    case cannotBindSourceIP(String, reason: String)
    /// `cannot connect to H, port N: <strerror>`.
    case cannotConnect(host: String, port: Int, reason: String)
    /// `cannot connect to PATH: <strerror>`, for a unix domain socket.
    case cannotConnectToSocket(path: String, reason: String)
    /// `network read error` or `network read error: <reason>`.
    case readFailed(reason: String?)
    /// `network write error` or `network write error: <reason>`.
    case writeFailed(reason: String?)
    /// `operation aborted`: SIGINT, SIGTERM or SIGHUP arrived.
    case aborted(Stage)
    /// `proxy failure: <reason>`, for a SOCKS5 proxy that refused or misbehaved.
    case proxyFailure(String)

    /// mpop's wording for a read or write that ran into the `timeout`.
    public static let timedOutReason = "the operation timed out"
    public static let readTimedOut = NetworkError.readFailed(reason: timedOutReason)
    public static let writeTimedOut = NetworkError.writeFailed(reason: timedOutReason)

    public var explanation: String {
        switch self {
        case let .hostNotFound(host, reason), let .hostLookupFailedTemporarily(host, reason):
            return "cannot locate host \(host): \(reason)"
        case let .cannotCreateSocket(reason):
            return "cannot create socket: \(reason)"
        case let .cannotBindSourceIP(address, reason):
            return "cannot bind source ip \(address): \(reason)"
        case let .cannotConnect(host, port, reason):
            return "cannot connect to \(host), port \(port): \(reason)"
        case let .cannotConnectToSocket(path, reason):
            return "cannot connect to \(path): \(reason)"
        case let .readFailed(reason):
            return reason.map { "network read error: \($0)" } ?? "network read error"
        case let .writeFailed(reason):
            return reason.map { "network write error: \($0)" } ?? "network write error"
        case .aborted:
            return "operation aborted"
        case let .proxyFailure(reason):
            return "proxy failure: \(reason)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .hostNotFound: return .noHost
        case .cannotCreateSocket, .cannotBindSourceIP: return .osError
        case .cannotConnect, .cannotConnectToSocket, .hostLookupFailedTemporarily: return .tempFail
        case .readFailed, .writeFailed: return .ioError
        case .proxyFailure: return .unavailable
        case let .aborted(stage):
            switch stage {
            case .lookup: return .noHost
            case .connect: return .tempFail
            case .transfer: return .ioError
            }
        }
    }
}

/// `strerror(code)` as a Swift string.
func systemErrorDescription(_ code: Int32) -> String {
    String(cString: strerror(code))
}
