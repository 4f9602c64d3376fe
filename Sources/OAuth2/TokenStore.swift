#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// Where an account's OAuth 2.0 tokens live between runs.
///
/// The refresh token goes to the key ring through `secret-tool` (service
/// `mpop-oauth2`, the account's host and user) when `secret-tool` is there
/// and stores it; otherwise into the token file. The token file is the UIDLs
/// file's name plus `.oauth2`, mode 0600, and holds the cached access token
/// too. It is replaced whole (a new file written, synced, renamed over the
/// old, the directory synced), so a rotated refresh token is on disk before
/// it is used and a crash leaves the old file or the new one.
///
/// Runs on the same account exclude each other with an `fcntl` lock on the
/// file plus `.lock` (``withLock(cancellation:_:)``), held from reading the
/// cache to storing what a refresh returned, so that two runs never both
/// spend a refresh token that the provider rotates.
public struct TokenStore: Sendable {
    /// The token file.
    public let path: String
    /// `secret-tool`, or `nil` to keep everything in the file.
    public let secretToolPath: String?
    /// The key ring item's attributes.
    let keyRingAttributes: [(String, String)]
    let keyRingLabel: String
    /// How long to wait for another run's lock.
    let lockSeconds: Int

    public init(account: Account, secretToolPath: String?) {
        path = account.uidlsFile + ".oauth2"
        self.secretToolPath = secretToolPath
        let host = account.host ?? ""
        let user = account.user ?? ""
        keyRingAttributes = [("service", "mpop-oauth2"), ("host", host), ("user", user)]
        keyRingLabel = "mpop OAuth 2.0 refresh token for \(user) at \(host)"
        lockSeconds = (account.timeout ?? 180) + 30
    }

    /// Runs `body` while holding the account's token lock.
    /// - Throws: ``OAuth2Error/storeLocked(path:)`` (75) after waiting in vain,
    ///   ``OAuth2Error/storeFailed(path:reason:)``, or what `body` throws.
    public func withLock<T>(cancellation: Cancellation = .never,
                            _ body: () throws(OAuth2Error) -> T) throws(OAuth2Error) -> T {
        let lockPath = path + ".lock"
        do throws(ConfigError) {
            try UIDLsDirectory.create(for: lockPath)
        } catch {
            throw .storeFailed(path: lockPath, reason: error.diagnostic)
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storeFailed(path: lockPath, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        do throws(FileLock.Failure) {
            try FileLock.lockForWriting(fd, seconds: lockSeconds, cancellation: cancellation)
        } catch {
            switch error {
            case .timedOut, .interrupted: throw .storeLocked(path: lockPath)
            case .failed(let code): throw .storeFailed(path: lockPath, reason: String(cString: strerror(code)))
            }
        }
        return try body()
    }

    /// The stored state; empty when there is no token file.
    /// - Throws: ``OAuth2Error/storeFailed(path:reason:)`` for a file that
    ///   cannot be read or is not a token file.
    public func load() throws(OAuth2Error) -> TokenState {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return TokenState() }
            throw .storeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .storeFailed(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        guard let state = TokenState(parsing: bytes) else {
            throw .storeFailed(path: path, reason: "not a token file of mpop")
        }
        return state
    }

    /// Replaces the token file with `state`, durably.
    public func save(_ state: TokenState) throws(OAuth2Error) {
        do throws(ConfigError) {
            try UIDLsDirectory.create(for: path)
        } catch {
            throw .storeFailed(path: path, reason: error.diagnostic)
        }
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storeFailed(path: temporary, reason: String(cString: strerror(errno))) }
        var bytes = Array(state.text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .storeFailed(path: temporary, reason: reason)
            }
            bytes = bytes.dropFirst(n)
        }
        // A file left by an older mode (or umask) must not stay readable by others.
        let synced = fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard synced else { throw .storeFailed(path: temporary, reason: reason) }
        guard rename(temporary, path) == 0 else {
            throw .storeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        let directory = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? "."
        let dirFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            let ok = fsync(dirFD) == 0
            close(dirFD)
            if !ok { throw .storeFailed(path: directory, reason: String(cString: strerror(errno))) }
        }
    }

    /// Puts `token` where the refresh token goes: the key ring if
    /// `secret-tool` stores it, else `state`'s file copy. The caller saves
    /// `state` afterwards.
    /// - Returns: whether it went to the key ring.
    @discardableResult
    public func keep(refreshToken token: Secret, in state: inout TokenState) -> Bool {
        if let secretToolPath,
           SecretTool.store(secretToolPath, label: keyRingLabel, attributes: keyRingAttributes, secret: token) {
            state.refreshToken = nil
            state.refreshTokenInKeyRing = true
            return true
        }
        state.refreshToken = token
        state.refreshTokenInKeyRing = false
        return false
    }

    /// The refresh token `state` points to: in the file, or in the key ring.
    /// - Returns: `nil` when there is none (never authorized).
    /// - Throws: ``OAuth2Error/keyRingUnavailable(account:)`` when the key
    ///   ring holds it but cannot be read now.
    public func refreshToken(of state: TokenState, account: String) throws(OAuth2Error) -> Secret? {
        if let token = state.refreshToken { return token }
        guard state.refreshTokenInKeyRing else { return nil }
        guard let secretToolPath, let token = SecretTool.lookup(secretToolPath, attributes: keyRingAttributes) else {
            throw .keyRingUnavailable(account: account)
        }
        return Secret(token)
    }
}
