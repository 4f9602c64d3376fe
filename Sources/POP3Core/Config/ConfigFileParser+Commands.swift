/// The setting commands of the configuration language: how each one reads
/// its argument, with mpop 1.4.18's error texts (`conf.c:read_conffile`).
extension ConfigFileParser {
    /// A message for one command's bad argument, without the line prefix.
    struct CommandError: Error {
        var message: String
    }

    /// Applies one setting command to an account or to the defaults.
    func apply(_ command: String, _ argument: String, to account: inout AccountSettings) throws(CommandError) {
        func needsArgument() -> CommandError {
            CommandError(message: "command \(command) needs an argument")
        }
        func invalid() -> CommandError {
            CommandError(message: "invalid argument \(argument) for command \(command)")
        }
        func flag() throws(CommandError) -> Bool {
            if argument.isEmpty { return true }
            guard let value = ConfigValue.onOff(argument) else { throw invalid() }
            return value
        }
        func optional() -> String? {
            argument.isEmpty ? nil : argument
        }
        func optionalPath() -> String? {
            argument.isEmpty ? nil : ConfigValue.expandTilde(argument, home: home)
        }
        func size() throws(CommandError) -> Int64? {
            if argument.isEmpty { throw needsArgument() }
            if argument == "off" { return nil }
            guard let value = ConfigValue.size(argument) else {
                throw CommandError(message: "invalid size (not a number or out of range): \(argument)")
            }
            return value
        }

        let field: AccountSettings.Field
        switch command {
        case "host":
            if argument.isEmpty { throw needsArgument() }
            account.host = argument
            field = .host
        case "port":
            if argument.isEmpty { throw needsArgument() }
            guard let port = ConfigValue.port(argument) else { throw invalid() }
            account.port = port
            field = .port
        case "source_ip":
            account.sourceIP = optional()
            field = .sourceIP
        case "proxy_host":
            account.proxyHost = optional()
            field = .proxyHost
        case "proxy_port":
            if argument.isEmpty {
                account.proxyPort = nil
            } else {
                guard let port = ConfigValue.port(argument) else { throw invalid() }
                account.proxyPort = port
            }
            field = .proxyPort
        case "socket":
            account.socket = optional()
            field = .socket
        case "timeout":
            if argument.isEmpty { throw needsArgument() }
            if argument == "off" {
                account.timeout = nil
            } else {
                guard let seconds = ConfigValue.positiveInt(argument) else { throw invalid() }
                account.timeout = seconds
            }
            field = .timeout
        case "pipelining":
            switch argument {
            case "", "on": account.pipelining = .on
            case "off": account.pipelining = .off
            case "auto": account.pipelining = .auto
            default: throw invalid()
            }
            field = .pipelining
        case "received_header":
            account.receivedHeader = try flag()
            field = .receivedHeader
        case "delivery":
            account.delivery = try delivery(argument, needsArgument: needsArgument(), invalid: invalid())
            field = .delivery
        case "uidls_file":
            if argument.isEmpty { throw needsArgument() }
            account.uidlsFile = ConfigValue.expandTilde(argument, home: home)
            field = .uidlsFile
        case "auth":
            guard let method = ConfigValue.authMethod(argument) else { throw invalid() }
            account.auth = method
            field = .auth
        case "user":
            account.user = optional()
            field = .user
        case "password":
            account.password = optional().map(Secret.init)
            field = .password
        case "passwordeval":
            account.passwordEval = optional()
            field = .passwordEval
        case "ntlmdomain":
            account.ntlmDomain = optional()
            field = .ntlmDomain
        case "tls":
            account.tls = try flag()
            field = .tls
        case "tls_starttls":
            account.tlsStartTLS = try flag()
            field = .tlsStartTLS
        case "tls_trust_file":
            account.tlsTrustFile = optionalPath()
            field = .tlsTrustFile
        case "tls_crl_file":
            account.tlsCRLFile = optionalPath()
            field = .tlsCRLFile
        case "tls_fingerprint":
            if argument.isEmpty {
                account.tlsFingerprint = nil
            } else {
                guard let bytes = ConfigValue.fingerprint(argument) else { throw invalid() }
                account.tlsFingerprint = bytes
            }
            field = .tlsFingerprint
        case "tls_key_file":
            account.tlsKeyFile = optionalPath()
            field = .tlsKeyFile
        case "tls_cert_file":
            account.tlsCertFile = optionalPath()
            field = .tlsCertFile
        case "tls_certcheck":
            account.tlsCertCheck = try flag()
            field = .tlsCertCheck
        case "tls_min_dh_prime_bits":
            if argument.isEmpty {
                account.tlsMinDHPrimeBits = nil
            } else {
                guard let bits = ConfigValue.positiveInt(argument) else { throw invalid() }
                account.tlsMinDHPrimeBits = bits
            }
            field = .tlsMinDHPrimeBits
        case "tls_priorities":
            account.tlsPriorities = optional()
            field = .tlsPriorities
        case "tls_host_override":
            account.tlsHostOverride = optional()
            field = .tlsHostOverride
        case "only_new":
            account.onlyNew = try flag()
            field = .onlyNew
        case "keep":
            account.keep = try flag()
            field = .keep
        case "killsize":
            account.killSize = try size()
            field = .killSize
        case "skipsize":
            account.skipSize = try size()
            field = .skipSize
        case "filter":
            account.filter = optional()
            field = .filter
        case "tls_force_sslv3":
            // Accepted and ignored for files written for mpop <= 1.0.29.
            return
        default:
            throw CommandError(message: "unknown command \(command)")
        }
        account.explicitlySet.insert(field)
    }

    /// `delivery METHOD ARG`: the method word must be followed by a blank;
    /// the argument is trimmed and unquoted, and tilde-expanded except for `mda`.
    private func delivery(_ argument: String, needsArgument: CommandError,
                          invalid: CommandError) throws(CommandError) -> Account.Delivery {
        let bytes = Array(argument.utf8)
        for method in ["mda", "maildir", "mbox", "exchange"] {
            let word = Array(method.utf8)
            guard bytes.count > word.count, bytes.starts(with: word), Self.isBlank(bytes[word.count]) else {
                continue
            }
            let value = string(Self.trim(Array(bytes[(word.count + 1)...])))
            switch method {
            case "mda": return .mda(value)
            case "maildir": return .maildir(ConfigValue.expandTilde(value, home: home))
            case "mbox": return .mbox(ConfigValue.expandTilde(value, home: home))
            default: return .exchange(ConfigValue.expandTilde(value, home: home))
            }
        }
        throw argument.isEmpty ? needsArgument : invalid
    }
}
