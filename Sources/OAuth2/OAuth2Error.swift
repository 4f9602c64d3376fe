import POP3Core

/// What can go wrong in getting an OAuth 2.0 token, each case with its exit
/// status. No case holds a token: the provider's `error` code and its
/// description are the most of its answer that is ever shown.
public enum OAuth2Error: ReportableError, Equatable {
    /// A setting the flow needs is missing (`oauth2_client_id`, an endpoint).
    case incomplete(account: String, setting: String)
    /// An endpoint that is neither `https://` nor `http://` on loopback.
    case insecureEndpoint(url: String)
    /// `oauth2_client_secret_eval` printed nothing or could not run.
    case clientSecretEvalFailed(command: String)
    /// No refresh token is stored for the account: it was never authorized.
    case notAuthorized(account: String, command: String)
    /// The stored refresh token is in the key ring, which cannot be read now
    /// (no D-Bus session, a locked key ring).
    case keyRingUnavailable(account: String)
    /// The provider refused the refresh token (`invalid_grant`): revoked,
    /// expired, or the password changed.
    case authorizationRevoked(account: String, command: String, providerError: String)
    /// The token endpoint could not be reached, or its connection failed.
    case unreachable(url: String, reason: String)
    /// The token endpoint answered with a server error (5xx) or asked to slow down.
    case temporaryFailure(url: String, status: Int)
    /// The provider refused the request for a reason the user must fix
    /// (`invalid_client`, `unauthorized_client`, `invalid_scope`...).
    case refused(url: String, status: Int, providerError: String)
    /// An answer that is not the JSON the RFC describes.
    case invalidResponse(url: String, problem: String)
    /// The user said no, or the browser brought back a different `state`.
    case authorizationDenied(reason: String)
    /// The device code or the wait for the browser ran out.
    case authorizationTimedOut
    /// The token file or its lock could not be written or taken.
    case storeFailed(path: String, reason: String)
    /// Another run held the account's token lock for too long.
    case storeLocked(path: String)
    /// The loopback listener could not be opened.
    case listenerFailed(reason: String)

    public var explanation: String {
        switch self {
        case .incomplete(let account, let setting):
            return "OAuth 2.0 for account \(account) needs \(setting)"
        case .insecureEndpoint(let url):
            return "OAuth 2.0 endpoint \(url) is not an https URL"
        case .clientSecretEvalFailed(let command):
            return "cannot get the OAuth 2.0 client secret with command '\(command)'"
        case .notAuthorized(let account, let command):
            return "account \(account) has no OAuth 2.0 authorization yet; run '\(command)' once"
        case .keyRingUnavailable(let account):
            return "cannot read the OAuth 2.0 refresh token of account \(account) from the key ring (secret-tool lookup failed)"
        case .authorizationRevoked(let account, let command, let providerError):
            return "the OAuth 2.0 authorization of account \(account) was revoked or has expired "
                + "(\(providerError)); run '\(command)' again"
        case .unreachable(let url, let reason):
            return "cannot reach the OAuth 2.0 token endpoint \(url): \(reason)"
        case .temporaryFailure(let url, let status):
            return "the OAuth 2.0 token endpoint \(url) failed temporarily (HTTP status \(status))"
        case .refused(let url, let status, let providerError):
            return "the OAuth 2.0 token endpoint \(url) refused the request (HTTP status \(status): \(providerError))"
        case .invalidResponse(let url, let problem):
            return "invalid answer from the OAuth 2.0 endpoint \(url): \(problem)"
        case .authorizationDenied(let reason):
            return "OAuth 2.0 authorization failed: \(reason)"
        case .authorizationTimedOut:
            return "OAuth 2.0 authorization failed: no answer in time"
        case .storeFailed(let path, let reason):
            return "cannot store OAuth 2.0 tokens in \(path): \(reason)"
        case .storeLocked(let path):
            return "cannot lock \(path): another mpop holds it"
        case .listenerFailed(let reason):
            return "cannot listen for the OAuth 2.0 redirect on 127.0.0.1: \(reason)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .incomplete, .insecureEndpoint, .clientSecretEvalFailed, .refused: .config
        case .notAuthorized, .authorizationRevoked, .authorizationDenied, .authorizationTimedOut: .noPermission
        case .keyRingUnavailable, .unreachable, .temporaryFailure, .storeLocked: .tempFail
        case .invalidResponse: .protocolError
        case .storeFailed, .listenerFailed: .ioError
        }
    }
}
