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
    ///   - evaluate: runs `passwordeval` (its stderr reaches the user).
    /// - Throws: ``ConfigError/passwordEvalFailed(command:)`` or
    ///   ``ConfigError/inconsistentAccount(name:file:message:)``.
    public static func complete(_ settings: AccountSettings, for purpose: Purpose,
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

        if let message = problem(in: settings, for: purpose) {
            throw .inconsistentAccount(name: settings.name, file: settings.configurationFile, message: message)
        }

        var account = settings.values
        account.port = account.effectivePort
        account.uidlsFile = ConfigValue.substituteUIDLsPath(
            account.uidlsFile, user: account.user ?? "", host: account.host ?? account.socket ?? "")
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
