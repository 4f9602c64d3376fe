/// `mpop --configure=ADDRESS`: finds the POP3 server of a mail domain from
/// its SRV records (RFC 8314: `_pop3s._tcp` first, then `_pop3._tcp`) and
/// writes a configuration for it (`mpop.c:mpop_configure`).
public enum AutoConfiguration {
    /// The configuration text for `address`.
    /// - Parameters:
    ///   - configurationFile: the file named in the first comment line.
    ///   - keyRing: whether to suggest `secret-tool store` (otherwise gpg and
    ///     `passwordeval`), as mpop built with or without libsecret does.
    ///   - lookup: the SRV lookup, replaceable in tests.
    ///
    /// A domain that is not ASCII is converted with libidn2 before the
    /// lookups (``DomainName/ascii(_:)``, mpop 1.4.21); one that libidn2
    /// refuses is looked up as it is, and so finds no records.
    /// - Throws: ``AutoConfigurationError``.
    public static func text(for address: String, configurationFile: String, keyRing: Bool,
                            lookup: (String) throws(SRVLookup.Failure) -> SRVLookup.Record = { query throws(SRVLookup.Failure) in
                                try SRVLookup.lookup(query)
                            }) throws(AutoConfigurationError) -> String {
        guard let at = address.lastIndex(of: "@") else { throw .invalidAddress }
        let localPart = String(address[..<at])
        let domain = String(address[address.index(after: at)...])
        if localPart.isEmpty || domain.isEmpty { throw .invalidAddress }
        // Only a name that needs it: libidn2 would also lower-case an ASCII
        // name and refuse one with `_`, which 1.4.18 looks up as given.
        let queryDomain = domain.utf8.allSatisfy { $0 < 0x80 } ? domain : DomainName.ascii(domain) ?? domain

        let pop3sQuery = "_pop3s._tcp." + queryDomain
        let pop3Query = "_pop3._tcp." + queryDomain
        let record: SRVLookup.Record
        let startTLS: Bool
        do throws(SRVLookup.Failure) {
            record = try lookup(pop3sQuery)
            startTLS = false
        } catch {
            if error == .noResolver { throw .noResolver }
            do throws(SRVLookup.Failure) {
                record = try lookup(pop3Query)
                startTLS = true
            } catch {
                throw .noRecords(pop3sQuery: pop3sQuery, pop3Query: pop3Query)
            }
        }

        var lines = ["# - copy this to your configuration file \(configurationFile)"]
        if !hostname(record.target, matches: queryDomain) {
            lines.append("# - warning: the host does not match the mail domain; please check")
        }
        if keyRing {
            lines.append("# - add your password to the key ring:")
            lines.append("#   secret-tool store --label=mpop host \(record.target) service pop3 user \(localPart)")
        } else {
            lines.append("# - encrypt your password:")
            lines.append("#   gpg -e -o ~/.mpop-password.gpg")
        }
        lines.append("# - adjust the delivery command")
        lines.append("account \(address)")
        lines.append("host \(record.target)")
        lines.append("port \(record.port)")
        lines.append("tls on")
        lines.append("tls_starttls \(startTLS ? "on" : "off")")
        lines.append("user \(localPart)")
        if !keyRing {
            lines.append("passwordeval gpg --no-tty -q -d ~/.mpop-password.gpg")
        }
        lines.append("delivery mbox ~/MAIL")
        return lines.map { $0 + "\n" }.joined()
    }

    /// Whether the host is the domain or inside it, ignoring ASCII case.
    static func hostname(_ hostname: String, matches domain: String) -> Bool {
        func lower(_ text: String) -> [UInt8] {
            text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }
        }
        let host = lower(hostname), suffix = lower(domain)
        guard !suffix.isEmpty else { return false }
        return host == suffix || (host.count > suffix.count && host.suffix(suffix.count).elementsEqual(suffix)
            && host[host.count - suffix.count - 1] == UInt8(ascii: "."))
    }
}

/// Why `--configure` failed; each message follows
/// `automatic configuration based on SRV records failed: `.
public enum AutoConfigurationError: ReportableError, Equatable {
    /// No `@`, or nothing before or after the last one (65).
    case invalidAddress
    /// Neither SRV record exists (68).
    case noRecords(pop3sQuery: String, pop3Query: String)
    /// No resolver in the C library (69).
    case noResolver

    public var explanation: String {
        let prefix = "automatic configuration based on SRV records failed: "
        switch self {
        case .invalidAddress:
            return prefix + "invalid mail address"
        case .noRecords(let pop3s, let pop3):
            return prefix + "no SRV records for \(pop3s) or \(pop3)"
        case .noResolver:
            return prefix + "this system lacks libresolv"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidAddress: return .dataError
        case .noRecords: return .noHost
        case .noResolver: return .unavailable
        }
    }
}
