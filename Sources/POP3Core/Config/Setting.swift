/// The settings of an account, in the order `-P` prints them; ``definition``
/// is the settings table.
///
/// Each row says once what the two sources, inheritance and `-P` derive
/// from it: the configuration command (the long option is the same name
/// with `-` for `_`), the option's argument, the place in ``Account``, the
/// argument kind (``ValueSyntax``), and how `-P` labels it. A new setting is
/// a case here, its row, and its property in ``Account``; a new long option
/// comes after mpop's in the getopt table.
public enum Setting: Sendable, Hashable, CaseIterable {
    case host, port, sourceIP, proxyHost, proxyPort, socket, timeout, pipelining
    case receivedHeader, auth, user, password, passwordEval, ntlmDomain
    case tls, tlsStartTLS, tlsTrustFile, tlsCRLFile, tlsFingerprint, tlsKeyFile
    case tlsCertFile, tlsCertCheck, tlsMinDHPrimeBits, tlsPriorities, tlsHostOverride
    case delivery, uidlsFile, onlyNew, keep, killSize, skipSize, filter
    /// Ours, from msmtp: the fetch log (mpop has none).
    case logfile, logfileTimeFormat, syslog
    /// Ours: OAuth 2.0 for XOAUTH2 and OAUTHBEARER (``OAuth2Settings``).
    case oauth2Provider, oauth2ClientID, oauth2ClientSecret, oauth2ClientSecretEval
    case oauth2AuthorizationEndpoint, oauth2TokenEndpoint, oauth2DeviceEndpoint, oauth2Scope, oauth2Tenant
    /// Ours: how many accounts one run fetches at once (mpop fetches one
    /// after another).
    case simultaneousAccounts
    /// Accepted and ignored.
    case tlsForceSSLv3

    /// The setting a configuration command names, or `nil` for an unknown command.
    public init?(command: String) {
        guard let setting = Self.byCommand[command] else { return nil }
        self = setting
    }

    private static let byCommand = Dictionary(uniqueKeysWithValues: allCases.map { ($0.definition.command, $0) })

    /// This setting's row of the table.
    public var definition: SettingDefinition {
        switch self {
        case .host: .init("host", .requiredArgument, \.host, .requiredText)
        case .port: .init("port", .requiredArgument, \.port, .port)
        case .sourceIP: .init("source_ip", .requiredArgument, \.sourceIP, .text, pretendLabel: "source ip")
        case .proxyHost: .init("proxy_host", .requiredArgument, \.proxyHost, .text, pretendLabel: "proxy host")
        case .proxyPort:
            .init("proxy_port", .requiredArgument, \.proxyPort, .optionalPort, pretendLabel: "proxy port")
        case .socket: .init("socket", .requiredArgument, \.socket, .text)
        case .timeout: .init("timeout", .requiredArgument, \.timeout, .secondsOrOff)
        case .pipelining:
            .init("pipelining", .requiredArgument, \.pipelining,
                  .keywords(["off": .off, "on": .on, "auto": .auto], absent: .on))
        case .receivedHeader: .init("received_header", .optionalArgument, \.receivedHeader, .onOff)
        case .auth: .init("auth", .optionalArgument, \.auth, .authMethod)
        case .user: .init("user", .requiredArgument, \.user, .text)
        case .password: .init("password", nil, \.password, .secret)
        case .passwordEval: .init("passwordeval", .requiredArgument, \.passwordEval, .text)
        case .ntlmDomain: .init("ntlmdomain", nil, \.ntlmDomain, .text)
        case .tls: .init("tls", .optionalArgument, \.tls, .onOff)
        case .tlsStartTLS: .init("tls_starttls", .optionalArgument, \.tlsStartTLS, .onOff)
        case .tlsTrustFile: .init("tls_trust_file", .requiredArgument, \.tlsTrustFile, .path)
        case .tlsCRLFile: .init("tls_crl_file", .requiredArgument, \.tlsCRLFile, .path)
        case .tlsFingerprint: .init("tls_fingerprint", .requiredArgument, \.tlsFingerprint, .fingerprint)
        case .tlsKeyFile: .init("tls_key_file", .requiredArgument, \.tlsKeyFile, .path)
        case .tlsCertFile: .init("tls_cert_file", .requiredArgument, \.tlsCertFile, .path)
        case .tlsCertCheck: .init("tls_certcheck", .optionalArgument, \.tlsCertCheck, .onOff)
        case .tlsMinDHPrimeBits:
            .init("tls_min_dh_prime_bits", .requiredArgument, \.tlsMinDHPrimeBits, .optionalPositive)
        case .tlsPriorities: .init("tls_priorities", .requiredArgument, \.tlsPriorities, .text)
        case .tlsHostOverride: .init("tls_host_override", .requiredArgument, \.tlsHostOverride, .text)
        case .delivery: .init("delivery", .requiredArgument, \.delivery, .delivery, retrievalOnly: true)
        case .uidlsFile:
            .init("uidls_file", .requiredArgument, \.uidlsFile, .requiredPath, pretendLabel: "uidls file",
                  retrievalOnly: true)
        case .onlyNew: .init("only_new", .optionalArgument, \.onlyNew, .onOff, short: "n", retrievalOnly: true)
        case .keep: .init("keep", .optionalArgument, \.keep, .keep, short: "k", retrievalOnly: true)
        case .killSize: .init("killsize", .requiredArgument, \.killSize, .sizeOrOff, retrievalOnly: true)
        case .skipSize: .init("skipsize", .requiredArgument, \.skipSize, .sizeOrOff, retrievalOnly: true)
        case .filter: .init("filter", .requiredArgument, \.filter, .text, retrievalOnly: true)
        case .logfile:
            .init("logfile", .requiredArgument, \.logfile, .path, retrievalOnly: true, pretendWhenUnset: false)
        case .logfileTimeFormat:
            .init("logfile_time_format", .requiredArgument, \.logfileTimeFormat, .text, retrievalOnly: true,
                  pretendWhenUnset: false)
        case .syslog:
            .init("syslog", .optionalArgument, \.syslog, .syslogFacility, retrievalOnly: true, pretendWhenUnset: false)
        case .oauth2Provider:
            .init("oauth2_provider", .requiredArgument, \.oauth2.provider, .oauth2Provider, pretendWhenUnset: false)
        case .oauth2ClientID:
            .init("oauth2_client_id", .requiredArgument, \.oauth2.clientID, .text, pretendWhenUnset: false)
        case .oauth2ClientSecret:
            .init("oauth2_client_secret", .requiredArgument, \.oauth2.clientSecret, .secret, pretendWhenUnset: false)
        case .oauth2ClientSecretEval:
            .init("oauth2_client_secret_eval", .requiredArgument, \.oauth2.clientSecretEval, .text,
                  pretendWhenUnset: false)
        case .oauth2AuthorizationEndpoint:
            .init("oauth2_authorization_endpoint", .requiredArgument, \.oauth2.authorizationEndpoint, .text,
                  pretendWhenUnset: false)
        case .oauth2TokenEndpoint:
            .init("oauth2_token_endpoint", .requiredArgument, \.oauth2.tokenEndpoint, .text, pretendWhenUnset: false)
        case .oauth2DeviceEndpoint:
            .init("oauth2_device_endpoint", .requiredArgument, \.oauth2.deviceEndpoint, .text, pretendWhenUnset: false)
        case .oauth2Scope: .init("oauth2_scope", .requiredArgument, \.oauth2.scope, .text, pretendWhenUnset: false)
        case .oauth2Tenant: .init("oauth2_tenant", .requiredArgument, \.oauth2.tenant, .text, pretendWhenUnset: false)
        case .simultaneousAccounts:
            .init("simultaneous_accounts", .requiredArgument, \.simultaneousAccounts, .optionalPositive,
                  retrievalOnly: true, pretendWhenUnset: false)
        case .tlsForceSSLv3: .ignored("tls_force_sslv3", .optionalArgument)
        }
    }
}
