/// Completes and checks one selected account, after the command-line
/// overrides, as mpop 1.4.18's `main` does for each account in turn:
/// `passwordeval`, the last defaults, `conf.c:check_account`, then `%U` and
/// `%H` in the UIDLs file name.
public enum AccountCheck {
    /// Which checks apply: delivery is required only in retrieval mode.
    public enum Purpose: Sendable {
        case retrieval, serverInfo
    }

    /// The finished account.
    /// - Parameters:
    ///   - settings: the account after inheritance and overrides.
    ///   - purpose: retrieval mode or server information mode.
    ///   - home: for the default UIDLs file, `$HOME/.mpop_uidls/%U_at_%H`.
    ///   - evaluate: runs `passwordeval` (its stderr reaches the user).
    /// - Throws: ``ConfigError/passwordEvalFailed(command:)`` or
    ///   ``ConfigError/inconsistentAccount(name:file:message:)``.
    public static func complete(_ settings: AccountSettings, for purpose: Purpose,
                                home: String = ConfigLocation.homeDirectory,
                                evaluate: ConfigFileParser.Evaluator = { command throws(ShellCommand.Failure) in
                                    try ShellCommand.firstLine(of: command)
                                }) throws(ConfigError) -> Account {
        var settings = settings
        if settings.password == nil, let command = settings.passwordEval {
            do throws(ShellCommand.Failure) {
                settings.password = Secret(try evaluate(command))
            } catch {
                switch error {
                case .noOutput: throw .passwordEvalFailed(command: command)
                case .cannotStart(let reason): throw .passwordEvalCannotStart(command: command, reason: reason)
                }
            }
        }
        if settings.tlsTrustFile == nil && !settings.explicitlySet.contains(.tlsTrustFile) {
            settings.tlsTrustFile = "system"
        }
        if settings.proxyHost != nil && settings.proxyPort == nil {
            settings.proxyPort = 1080
        }
        let uidlsTemplate = settings.uidlsFile
            ?? ConfigLocation.joined(ConfigLocation.joined(home, ".mpop_uidls"), "%U_at_%H")

        if let message = problem(in: settings, for: purpose) {
            throw .inconsistentAccount(name: settings.name, file: settings.configurationFile, message: message)
        }

        var account = Account()
        account.name = settings.name
        account.configurationFile = settings.configurationFile
        account.host = settings.host
        account.port = settings.port ?? ((settings.tls && !settings.tlsStartTLS) ? 995 : 110)
        account.sourceIP = settings.sourceIP
        account.proxyHost = settings.proxyHost
        account.proxyPort = settings.proxyPort
        account.socket = settings.socket
        account.timeout = settings.timeout
        account.pipelining = settings.pipelining
        account.receivedHeader = settings.receivedHeader
        account.auth = settings.auth
        account.user = settings.user
        account.password = settings.password
        account.passwordEval = settings.passwordEval
        account.ntlmDomain = settings.ntlmDomain
        account.tls = settings.tls
        account.tlsStartTLS = settings.tlsStartTLS
        account.tlsTrustFile = settings.tlsTrustFile
        account.tlsCRLFile = settings.tlsCRLFile
        account.tlsFingerprint = settings.tlsFingerprint
        account.tlsKeyFile = settings.tlsKeyFile
        account.tlsCertFile = settings.tlsCertFile
        account.tlsCertCheck = settings.tlsCertCheck
        account.tlsMinDHPrimeBits = settings.tlsMinDHPrimeBits
        account.tlsPriorities = settings.tlsPriorities
        account.tlsHostOverride = settings.tlsHostOverride
        account.delivery = settings.delivery
        account.uidlsFile = ConfigValue.substituteUIDLsPath(
            uidlsTemplate, user: settings.user ?? "", host: settings.host ?? settings.socket ?? "")
        account.onlyNew = settings.onlyNew
        account.keep = settings.keep
        account.killSize = settings.killSize
        account.skipSize = settings.skipSize
        account.filter = settings.filter
        return account
    }

    /// The first failed consistency check, in mpop's order, or `nil`.
    static func problem(in settings: AccountSettings, for purpose: Purpose) -> String? {
        if (settings.host == nil && settings.socket == nil)
            || (settings.tls && settings.host == nil && settings.tlsHostOverride == nil) {
            return "host not set"
        }
        if settings.tlsKeyFile != nil && settings.tlsCertFile == nil {
            return "tls_key_file requires tls_cert_file"
        }
        if settings.tlsKeyFile == nil && settings.tlsCertFile != nil {
            return "tls_cert_file requires tls_key_file"
        }
        if settings.tls && settings.tlsTrustFile == nil && settings.tlsFingerprint == nil && settings.tlsCertCheck {
            return "tls requires either tls_trust_file (highly recommended) or tls_fingerprint or a disabled tls_certcheck"
        }
        if settings.tlsCRLFile != nil && settings.tlsTrustFile == nil {
            return "tls_crl_file requires tls_trust_file"
        }
        if purpose == .retrieval && settings.delivery == nil {
            return "no delivery information"
        }
        return nil
    }
}
