#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// The access token for each run: from the cache while it is valid,
/// otherwise refreshed at the token endpoint, under the account's token
/// lock (``TokenStore``).
///
/// A rotated refresh token is stored before anything else happens. A
/// refresh token the provider refuses (`invalid_grant`) ends in
/// ``OAuth2Error/authorizationRevoked(account:command:providerError:)``,
/// which names the command to run again (exit 77); no answer from the
/// endpoint is a temporary failure (exit 75).
public final class AccessTokenSource: @unchecked Sendable {
    /// The account's name in messages.
    public let accountName: String
    /// The command that authorizes the account again, for messages.
    public let reauthorizeCommand: String
    let store: TokenStore
    let endpoint: () throws(OAuth2Error) -> TokenEndpoint
    let now: () -> Int64
    let cancellation: Cancellation
    /// A cached token is used only while it has this many seconds left.
    static let margin: Int64 = 60

    /// - Parameter endpoint: made when a refresh is needed, so that a valid
    ///   cached token needs neither the client secret nor the network.
    public init(accountName: String, reauthorizeCommand: String, store: TokenStore,
                endpoint: @escaping () throws(OAuth2Error) -> TokenEndpoint,
                now: @escaping () -> Int64 = { Int64(time(nil)) }, cancellation: Cancellation = .never) {
        self.accountName = accountName
        self.reauthorizeCommand = reauthorizeCommand
        self.store = store
        self.endpoint = endpoint
        self.now = now
        self.cancellation = cancellation
    }

    /// An access token, and whether it was refreshed just now.
    /// - Parameter rejected: a token the server refused: one refreshed by
    ///   another run meanwhile is taken instead, else a refresh is forced.
    /// - Throws: ``OAuth2Error``.
    public func accessToken(replacing rejected: Secret? = nil) throws(OAuth2Error) -> (token: Secret, refreshed: Bool) {
        try store.withLock(cancellation: cancellation) { () throws(OAuth2Error) -> (token: Secret, refreshed: Bool) in
            var state = try store.load()
            if let cached = state.accessToken, cached != rejected,
               state.hasAccessToken(validAt: now(), margin: Self.margin) {
                return (cached, false)
            }
            guard let refreshToken = try store.refreshToken(of: state, account: accountName) else {
                throw .notAuthorized(account: accountName, command: reauthorizeCommand)
            }
            let requestTime = now()
            switch try endpoint().refresh(refreshToken) {
            case .granted(let grant):
                if let rotated = grant.refreshToken, rotated != refreshToken {
                    store.keep(refreshToken: rotated, in: &state)
                }
                state.accessToken = grant.accessToken
                state.expiresAt = requestTime + (grant.expiresIn ?? 3600)
                try store.save(state)
                return (grant.accessToken, true)
            case .refusedGrant(let error, let description):
                // The cache holds nothing worth keeping for a dead grant.
                state.accessToken = nil
                state.expiresAt = nil
                try? store.save(state)
                throw .authorizationRevoked(account: accountName, command: reauthorizeCommand,
                                            providerError: Sanitizer.sanitized(description.map { "\(error): \($0)" } ?? error))
            }
        }
    }
}
