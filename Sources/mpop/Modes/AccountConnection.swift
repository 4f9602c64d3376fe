import Auth
import POP3Core
import TLSGnu

/// Opens the connection for one account and puts a POP3 session on it,
/// with GnuTLS for TLS, GNU SASL for SASL, `passwords` for the password,
/// the account's OAuth 2.0 tokens when it has `oauth2_*` settings, and the
/// `--debug` printer on `console` when asked for. Connecting, the session
/// and the TLS on its socket all end when `cancellation` is set.
enum AccountConnection {
    static func session(for account: Account, debug: Bool, console: AccountConsole, passwords: PasswordSource,
                        cancellation: Cancellation, oauth2: OAuth2Login? = nil) throws -> POP3Session {
        let connection = try Connector(cancellation: cancellation).connect(account)
        let identity = ServerIdentity(host: account.host ?? account.socket ?? "",
                                      canonicalName: connection.canonicalName,
                                      address: connection.address)
        return POP3Session(account: account, transport: connection.transport,
                           tlsStarter: account.tls ? GnuTLSStarter() : nil,
                           saslProvider: GSASLProvider(),
                           md5: GnuTLSMD5(),
                           password: { method in
                               try oauth2?.token(for: method) ?? passwords.obtain(for: account)
                           },
                           dialogue: debug ? DebugPrinter(writeBytes: { console.writeBytes($0, 1) }) : nil,
                           cancellation: cancellation,
                           serverIdentity: identity)
    }
}
