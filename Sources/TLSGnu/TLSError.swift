import POP3Core

/// A TLS failure, worded as mpop's `mtls-gnutls.c` words it and mapped to
/// `mtls_exitcode`'s statuses. Socket-level failures underneath TLS (a
/// timeout, an abort signal) are thrown as ``NetworkError`` instead.
public enum TLSError: ReportableError, Equatable, Sendable {
    /// GnuTLS could not set the session up, e.g. `cannot set priorities for
    /// TLS session: error in priority string at position 8` (70).
    case library(String)
    /// A key, certificate, trust or CRL file could not be used, e.g. `cannot
    /// set X509 trust file F for TLS session: <reason>` (66).
    case file(String)
    /// `TLS handshake failed: <reason>` (76).
    case handshake(reason: String)
    /// `TLS certificate verification failed: <reason>` (69), with what the
    /// user can change.
    case certificate(reason: String, hint: String? = nil)
    /// `cannot read from TLS connection: <reason>` (74).
    case readFailed(reason: String)
    /// `cannot write to TLS connection: <reason>` (74).
    case writeFailed(reason: String)
    /// `operation aborted`: GnuTLS was interrupted by an abort signal (74).
    case aborted

    /// The reason mpop gives when the pinned fingerprint differs.
    public static let fingerprintMismatch = "the certificate fingerprint does not match"

    public var explanation: String {
        switch self {
        case let .library(text), let .file(text): return text
        case let .handshake(reason): return "TLS handshake failed: \(reason)"
        case let .certificate(reason, _): return "TLS certificate verification failed: \(reason)"
        case let .readFailed(reason): return "cannot read from TLS connection: \(reason)"
        case let .writeFailed(reason): return "cannot write to TLS connection: \(reason)"
        case .aborted: return "operation aborted"
        }
    }

    public var hint: String? {
        if case let .certificate(_, hint) = self { return hint }
        return nil
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .library: return .software
        case .file: return .noInput
        case .handshake: return .protocolError
        case .certificate: return .unavailable
        case .readFailed, .writeFailed, .aborted: return .ioError
        }
    }
}
