import POP3Core

/// The configuration block `-P` and `-d` print for each account
/// (`mpop.c:main`, "print configuration"), byte for byte as mpop 1.4.18.
enum PretendPrinter {
    /// The block for one account: the `using account` line when it came from
    /// a file, the connection and TLS settings, and in retrieval mode the
    /// delivery and retrieval settings.
    static func text(for account: Account, retrieval: Bool) -> String {
        let notSet = "(not set)"
        var lines: [String] = []
        if let name = account.name, let file = account.configurationFile {
            lines.append("using account \(name) from \(file)")
        }
        lines.append("host = \(account.host ?? notSet)")
        lines.append("port = \(account.effectivePort)")
        lines.append("source ip = \(account.sourceIP ?? notSet)")
        lines.append("proxy host = \(account.proxyHost ?? notSet)")
        lines.append("proxy port = \(account.proxyPort ?? 0)")
        lines.append("socket = \(account.socket ?? notSet)")
        switch account.timeout {
        case nil: lines.append("timeout = off")
        case 1?: lines.append("timeout = 1 second")
        case let seconds?: lines.append("timeout = \(seconds) seconds")
        }
        let pipelining: String
        switch account.pipelining {
        case .off: pipelining = "off"
        case .on: pipelining = "on"
        case .auto: pipelining = "auto"
        }
        lines.append("pipelining = \(pipelining)")
        lines.append("received_header = \(onOff(account.receivedHeader))")
        lines.append("auth = \(account.auth.isEmpty ? "choose" : account.auth)")
        lines.append("user = \(account.user ?? notSet)")
        lines.append("password = \(account.password == nil ? notSet : "*")")
        lines.append("passwordeval = \(account.passwordEval ?? notSet)")
        lines.append("ntlmdomain = \(account.ntlmDomain ?? notSet)")
        lines.append("tls = \(onOff(account.tls))")
        lines.append("tls_starttls = \(onOff(account.tlsStartTLS))")
        lines.append("tls_trust_file = \(account.tlsTrustFile ?? notSet)")
        lines.append("tls_crl_file = \(account.tlsCRLFile ?? notSet)")
        lines.append("tls_fingerprint = \(account.tlsFingerprint.map(ConfigValue.fingerprintText) ?? notSet)")
        lines.append("tls_key_file = \(account.tlsKeyFile ?? notSet)")
        lines.append("tls_cert_file = \(account.tlsCertFile ?? notSet)")
        lines.append("tls_certcheck = \(onOff(account.tlsCertCheck))")
        lines.append("tls_min_dh_prime_bits = \(account.tlsMinDHPrimeBits.map(String.init) ?? notSet)")
        lines.append("tls_priorities = \(account.tlsPriorities ?? notSet)")
        lines.append("tls_host_override = \(account.tlsHostOverride ?? notSet)")
        if retrieval {
            switch account.delivery {
            case .mda(let command)?: lines.append("delivery = mda \(command)")
            case .maildir(let directory)?: lines.append("delivery = maildir \(directory)")
            case .mbox(let file)?: lines.append("delivery = mbox \(file)")
            case .exchange(let directory)?: lines.append("delivery = exchange \(directory)")
            case nil:
                // Unreachable after the checks, which require a delivery in retrieval mode.
                lines.append("delivery = ")
            }
            lines.append("uidls file = \(account.uidlsFile)")
            lines.append("only_new = \(onOff(account.onlyNew))")
            lines.append("keep = \(onOff(account.keep))")
            lines.append("killsize = \(account.killSize.map(String.init) ?? "off")")
            lines.append("skipsize = \(account.skipSize.map(String.init) ?? "off")")
            lines.append("filter = \(account.filter ?? notSet)")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Prints the blocks of all accounts to stdout, in order.
    static func print(_ accounts: [Account], retrieval: Bool) {
        Console.out(accounts.map { text(for: $0, retrieval: retrieval) }.joined())
    }

    private static func onOff(_ value: Bool) -> String {
        value ? "on" : "off"
    }
}
