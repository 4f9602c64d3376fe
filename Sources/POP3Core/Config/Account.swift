/// One account's settings, after the configuration file and the command line
/// have been applied. Field names are Swift spellings of mpop's commands; the
/// doc comment of each names the command, whose row in ``Setting/definition``
/// says how it is read and printed.
///
/// Optional fields are `nil` when unset, which `-P` prints as `(not set)`.
public struct Account: Sendable, Equatable {
    /// Whether commands are sent before the replies to earlier ones (`pipelining`).
    public enum Pipelining: Sendable, Equatable { case off, on, auto }

    /// Where retrieved mail goes (`delivery`).
    public enum Delivery: Sendable, Equatable {
        /// `delivery mda CMD`: a command run through `/bin/sh -c`; `%F` is the envelope sender.
        case mda(String)
        /// `delivery maildir DIR`
        case maildir(String)
        /// `delivery mbox FILE`
        case mbox(String)
        /// `delivery exchange DIR`: an Exchange pickup directory.
        case exchange(String)
    }

    /// The account name, or `nil` in `--host` mode.
    public var name: String?
    /// The file the account came from, or `nil` in `--host` mode.
    public var configurationFile: String?

    /// `host`
    public var host: String?
    /// `port`; `nil` means the default (110, or 995 for TLS without STARTTLS).
    public var port: Int?
    /// `source_ip`
    public var sourceIP: String?
    /// `proxy_host`
    public var proxyHost: String?
    /// `proxy_port`; `nil` means 1080 when a proxy host is set.
    public var proxyPort: Int?
    /// `socket`
    public var socket: String?
    /// `timeout` in seconds; `nil` is `off`.
    public var timeout: Int? = 180
    /// `pipelining`
    public var pipelining: Pipelining = .auto
    /// `received_header`
    public var receivedHeader = true
    /// `auth`: `""` chooses automatically; otherwise an uppercase method name.
    public var auth = ""
    /// `user`
    public var user: String?
    /// `password`
    public var password: Secret?
    /// `passwordeval`
    public var passwordEval: String?
    /// `ntlmdomain`
    public var ntlmDomain: String?
    /// `tls`
    public var tls = false
    /// `tls_starttls`
    public var tlsStartTLS = true
    /// `tls_trust_file`; `"system"` is the system trust store.
    public var tlsTrustFile: String? = "system"
    /// `tls_crl_file`
    public var tlsCRLFile: String?
    /// `tls_fingerprint`, as raw digest bytes (32 SHA-256, 20 SHA-1, 16 MD5).
    public var tlsFingerprint: [UInt8]?
    /// `tls_key_file`
    public var tlsKeyFile: String?
    /// `tls_cert_file`
    public var tlsCertFile: String?
    /// `tls_certcheck`
    public var tlsCertCheck = true
    /// `tls_min_dh_prime_bits`
    public var tlsMinDHPrimeBits: Int?
    /// `tls_priorities`
    public var tlsPriorities: String?
    /// `tls_host_override`
    public var tlsHostOverride: String?
    /// `delivery`
    public var delivery: Delivery?
    /// `uidls_file`, with `%U` and `%H` still in it until the account is checked.
    public var uidlsFile = "~/.mpop_uidls/%U_at_%H"
    /// `only_new`
    public var onlyNew = true
    /// `keep`: `on`, `off` or a duration.
    public var keep = Keep.off
    /// `killsize` in bytes; `nil` is `off`.
    public var killSize: Int64?
    /// `skipsize` in bytes; `nil` is `off`.
    public var skipSize: Int64?
    /// `filter`
    public var filter: String?
    /// `logfile`: the fetch log, `-` for stdout; `nil` logs nothing (ours, from msmtp).
    public var logfile: String?
    /// `logfile_time_format`: the `strftime` format of the log's time;
    /// `nil` is msmtp's default, `%b %d %H:%M:%S`.
    public var logfileTimeFormat: String?
    /// `syslog`: the facility (`LOG_MAIL`, `LOG_USER`, `LOG_LOCAL0`...),
    /// `nil` for off (ours, from msmtp).
    public var syslog: String?
    /// The `oauth2_*` settings (ours).
    public var oauth2 = OAuth2Settings()

    /// `simultaneous_accounts`: how many accounts a run with several
    /// fetches at once (ours); `nil` when not set. A run takes the smallest
    /// value its accounts set, else ``defaultSimultaneousAccounts``; 1 is
    /// mpop's one account after another.
    public var simultaneousAccounts: Int?

    /// What a run uses when none of its accounts sets `simultaneous_accounts`.
    public static let defaultSimultaneousAccounts = 6

    public init() {}

    /// The port to connect to: `port`, or 995 for TLS on connect, else 110.
    public var effectivePort: Int {
        port ?? ((tls && !tlsStartTLS) ? 995 : 110)
    }

    /// The name used for certificate checks and SNI.
    public var tlsServerName: String? {
        tlsHostOverride ?? host
    }
}
