/// One account as the configuration file and the command line describe it,
/// before mpop's last defaults are filled in: every setting can still be
/// unset, and the settings given explicitly are remembered.
///
/// This is mpop's `account_t` with its `mask`: `account B : A` copies the
/// settings A set explicitly, and command-line options override only what
/// they name (`conf.c:override_account`). ``AccountCheck`` turns a value of
/// this type into an ``Account``.
public struct AccountSettings: Sendable, Equatable {
    /// A setting, named after its configuration command.
    public enum Field: Sendable, Hashable, CaseIterable {
        case host, port, sourceIP, proxyHost, proxyPort, socket, timeout, pipelining
        case receivedHeader, auth, user, password, passwordEval, ntlmDomain
        case tls, tlsStartTLS, tlsTrustFile, tlsCRLFile, tlsFingerprint, tlsKeyFile
        case tlsCertFile, tlsCertCheck, tlsMinDHPrimeBits, tlsPriorities, tlsHostOverride
        case delivery, uidlsFile, onlyNew, keep, killSize, skipSize, filter
    }

    /// The account name; `nil` for the defaults and for `--host` mode.
    public var name: String?
    /// The file the account was read from; `nil` for `--host` mode.
    public var configurationFile: String?
    /// The settings given explicitly in this account's own section (and
    /// inherited through `account NAME : A,B`), or on the command line.
    public var explicitlySet: Set<Field> = []

    public var host: String?
    /// `nil`: chosen later (110, or 995 for TLS without STARTTLS).
    public var port: Int?
    public var sourceIP: String?
    public var proxyHost: String?
    /// `nil`: 1080 when a proxy host is set.
    public var proxyPort: Int?
    public var socket: String?
    /// `nil` is `off`.
    public var timeout: Int? = 180
    public var pipelining: Account.Pipelining = .auto
    public var receivedHeader = true
    /// `""` chooses automatically.
    public var auth = ""
    public var user: String?
    public var password: Secret?
    public var passwordEval: String?
    public var ntlmDomain: String?
    public var tls = false
    public var tlsStartTLS = true
    /// `nil` becomes `system` unless the setting was given explicitly.
    public var tlsTrustFile: String?
    public var tlsCRLFile: String?
    public var tlsFingerprint: [UInt8]?
    public var tlsKeyFile: String?
    public var tlsCertFile: String?
    public var tlsCertCheck = true
    public var tlsMinDHPrimeBits: Int?
    public var tlsPriorities: String?
    public var tlsHostOverride: String?
    public var delivery: Account.Delivery?
    /// `nil` becomes `$HOME/.mpop_uidls/%U_at_%H`.
    public var uidlsFile: String?
    public var onlyNew = true
    public var keep = false
    public var killSize: Int64?
    public var skipSize: Int64?
    public var filter: String?

    public init() {}

    /// Copies every setting `other` set explicitly and marks it as set here,
    /// as `conf.c:override_account` does for inheritance and for the
    /// command line.
    public mutating func override(with other: AccountSettings) {
        for field in other.explicitlySet {
            take(field, from: other)
        }
        explicitlySet.formUnion(other.explicitlySet)
    }

    private mutating func take(_ field: Field, from other: AccountSettings) {
        switch field {
        case .host: host = other.host
        case .port: port = other.port
        case .sourceIP: sourceIP = other.sourceIP
        case .proxyHost: proxyHost = other.proxyHost
        case .proxyPort: proxyPort = other.proxyPort
        case .socket: socket = other.socket
        case .timeout: timeout = other.timeout
        case .pipelining: pipelining = other.pipelining
        case .receivedHeader: receivedHeader = other.receivedHeader
        case .auth: auth = other.auth
        case .user: user = other.user
        case .password: password = other.password
        case .passwordEval: passwordEval = other.passwordEval
        case .ntlmDomain: ntlmDomain = other.ntlmDomain
        case .tls: tls = other.tls
        case .tlsStartTLS: tlsStartTLS = other.tlsStartTLS
        case .tlsTrustFile: tlsTrustFile = other.tlsTrustFile
        case .tlsCRLFile: tlsCRLFile = other.tlsCRLFile
        case .tlsFingerprint: tlsFingerprint = other.tlsFingerprint
        case .tlsKeyFile: tlsKeyFile = other.tlsKeyFile
        case .tlsCertFile: tlsCertFile = other.tlsCertFile
        case .tlsCertCheck: tlsCertCheck = other.tlsCertCheck
        case .tlsMinDHPrimeBits: tlsMinDHPrimeBits = other.tlsMinDHPrimeBits
        case .tlsPriorities: tlsPriorities = other.tlsPriorities
        case .tlsHostOverride: tlsHostOverride = other.tlsHostOverride
        case .delivery: delivery = other.delivery
        case .uidlsFile: uidlsFile = other.uidlsFile
        case .onlyNew: onlyNew = other.onlyNew
        case .keep: keep = other.keep
        case .killSize: killSize = other.killSize
        case .skipSize: skipSize = other.skipSize
        case .filter: filter = other.filter
        }
    }
}
