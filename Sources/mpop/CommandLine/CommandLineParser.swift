#if canImport(Glibc)
import Glibc
#endif
import CSupport
import POP3Core

/// mpop 1.4.18's command line, read with glibc's own `getopt_long`, so that
/// argument permutation, `--`, unambiguous prefixes and getopt's messages
/// (`unrecognized option`, `is ambiguous; possibilities: ...`) are exactly
/// those of the C program.
enum CommandLineParser {
    /// The long options in mpop's table order, which fixes the order of the
    /// candidates in glibc's "ambiguous" message. Our own options come after
    /// mpop's, so a prefix that was ambiguous lists mpop's candidates in the
    /// same order, followed by ours.
    private enum LongOption: Int32, CaseIterable {
        case version = 256, help, configure, quiet, halfQuiet, pretend, debug, serverInfo, file
        case authOnly, allAccounts, statusOnly, delivery, uidlsFile, onlyNew, keep, killSize
        case skipSize, filter, host, port, timeout, pipelining, receivedHeader, auth, user
        case passwordEval, proxyHost, proxyPort, sourceIP, socket, tls, tlsStartTLS
        case tlsTrustFile, tlsCRLFile, tlsFingerprint, tlsKeyFile, tlsCertFile, tlsCertCheck
        case tlsForceSSLv3, tlsMinDHPrimeBits, tlsPriorities, tlsHostOverride
        // Not in mpop 1.4.18.
        case summary

        var name: String {
            switch self {
            case .version: "version"
            case .help: "help"
            case .configure: "configure"
            case .quiet: "quiet"
            case .halfQuiet: "half-quiet"
            case .pretend: "pretend"
            case .debug: "debug"
            case .serverInfo: "serverinfo"
            case .file: "file"
            case .authOnly: "auth-only"
            case .allAccounts: "all-accounts"
            case .statusOnly: "status-only"
            case .delivery: "delivery"
            case .uidlsFile: "uidls-file"
            case .onlyNew: "only-new"
            case .keep: "keep"
            case .killSize: "killsize"
            case .skipSize: "skipsize"
            case .filter: "filter"
            case .host: "host"
            case .port: "port"
            case .timeout: "timeout"
            case .pipelining: "pipelining"
            case .receivedHeader: "received-header"
            case .auth: "auth"
            case .user: "user"
            case .passwordEval: "passwordeval"
            case .proxyHost: "proxy-host"
            case .proxyPort: "proxy-port"
            case .sourceIP: "source-ip"
            case .socket: "socket"
            case .tls: "tls"
            case .tlsStartTLS: "tls-starttls"
            case .tlsTrustFile: "tls-trust-file"
            case .tlsCRLFile: "tls-crl-file"
            case .tlsFingerprint: "tls-fingerprint"
            case .tlsKeyFile: "tls-key-file"
            case .tlsCertFile: "tls-cert-file"
            case .tlsCertCheck: "tls-certcheck"
            case .tlsForceSSLv3: "tls-force-sslv3"
            case .tlsMinDHPrimeBits: "tls-min-dh-prime-bits"
            case .tlsPriorities: "tls-priorities"
            case .tlsHostOverride: "tls-host-override"
            case .summary: "summary"
            }
        }

        /// 0 none, 1 required, 2 optional (`getopt.h`).
        var argument: Int32 {
            switch self {
            case .version, .help, .quiet, .halfQuiet, .pretend, .debug, .serverInfo, .authOnly,
                 .allAccounts, .statusOnly:
                return 0
            case .onlyNew, .keep, .receivedHeader, .auth, .tls, .tlsStartTLS, .tlsCertCheck, .tlsForceSSLv3:
                return 2
            default:
                return 1
            }
        }

        /// The value getopt returns: the short option where there is one.
        var value: Int32 {
            switch self {
            case .quiet: Int32(UInt8(ascii: "q"))
            case .halfQuiet: Int32(UInt8(ascii: "Q"))
            case .pretend: Int32(UInt8(ascii: "P"))
            case .debug: Int32(UInt8(ascii: "d"))
            case .serverInfo: Int32(UInt8(ascii: "S"))
            case .file: Int32(UInt8(ascii: "C"))
            case .authOnly: Int32(UInt8(ascii: "A"))
            case .allAccounts: Int32(UInt8(ascii: "a"))
            case .statusOnly: Int32(UInt8(ascii: "s"))
            case .onlyNew: Int32(UInt8(ascii: "n"))
            case .keep: Int32(UInt8(ascii: "k"))
            default: rawValue
            }
        }

        init?(value: Int32) {
            guard let match = LongOption.allCases.first(where: { $0.value == value }) else { return nil }
            self = match
        }
    }

    /// Parses `arguments` (with the program name first).
    /// - Parameter home: the directory a leading `~` stands for in file options.
    /// - Throws: ``CommandLineError`` for the first bad option, as mpop stops there.
    static func parse(_ arguments: [String], home: String) throws(CommandLineError) -> Invocation {
        // getopt permutes this array in place, so it must be mutable storage.
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let originals = argv
        let names = LongOption.allCases.map { strdup($0.name) }
        defer {
            originals.forEach { free($0) }
            names.forEach { free($0) }
        }
        var table = zip(LongOption.allCases, names).map { entry, name in
            option(name: name, has_arg: entry.argument, flag: nil, val: entry.value)
        }
        table.append(option(name: nil, has_arg: 0, flag: nil, val: 0))

        var invocation = Invocation()
        csupport_getopt_reset()
        while true {
            let c = argv.withUnsafeMutableBufferPointer { buffer in
                csupport_getopt_long(Int32(arguments.count), buffer.baseAddress, "qQPdSC:aAsn::k::", table, nil)
            }
            if c == -1 { break }
            guard let option = LongOption(value: c) else {
                throw .reportedByGetopt
            }
            let argument = csupport_optarg().map { String(cString: $0) }
            try apply(option, argument, to: &invocation, home: home)
        }
        let first = Int(csupport_optind())
        if first < arguments.count {
            // getopt has permuted argv: the operands are now at its end.
            invocation.accountNames = (first..<arguments.count).map { String(cString: argv[$0]!) }
        }
        return invocation
    }

    private static func apply(_ option: LongOption, _ argument: String?, to invocation: inout Invocation,
                              home: String) throws(CommandLineError) {
        let value = argument ?? ""
        func invalid() -> CommandLineError {
            .invalidArgument(value: value, option: "--" + option.name)
        }
        func flag() throws(CommandLineError) -> Bool {
            guard let argument else { return true }
            guard let on = ConfigValue.onOff(argument) else { throw invalid() }
            return on
        }
        func optional() -> String? {
            value.isEmpty ? nil : value
        }
        func optionalPath() -> String? {
            value.isEmpty ? nil : ConfigValue.expandTilde(value, home: home)
        }
        func size() throws(CommandLineError) -> Int64? {
            if value == "off" { return nil }
            guard let size = ConfigValue.size(value) else { throw invalid() }
            return size
        }

        var settings = invocation.overrides
        let field: AccountSettings.Field
        switch option {
        case .version:
            invocation.printVersion = true
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
            invocation.configureAddress = nil
            return
        case .help:
            invocation.printHelp = true
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
            invocation.configureAddress = nil
            return
        case .configure:
            invocation.configureAddress = value
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
            return
        case .quiet:
            invocation.printStatus = false
            invocation.printProgress = false
            return
        case .halfQuiet:
            invocation.printProgress = false
            return
        case .pretend:
            invocation.pretend = true
            return
        case .debug:
            invocation.debug = true
            // Progress output would interfere with the dialogue.
            invocation.printProgress = false
            return
        case .serverInfo:
            invocation.serverInfoFlag = true
            invocation.retrievalFlag = false
            return
        case .file:
            invocation.configurationFile = value
            return
        case .authOnly:
            invocation.authOnly = true
            return
        case .allAccounts:
            invocation.allAccounts = true
            return
        case .statusOnly:
            invocation.statusOnly = true
            return
        case .summary:
            guard let format = Invocation.SummaryFormat(rawValue: value) else { throw invalid() }
            invocation.summary = format
            return
        case .tlsForceSSLv3:
            // Accepted and ignored, for command lines written for mpop <= 1.0.29.
            return
        case .host:
            settings.host = value
            field = .host
        case .port:
            guard let port = ConfigValue.port(value) else { throw invalid() }
            settings.port = port
            field = .port
        case .timeout:
            if value == "off" {
                settings.timeout = nil
            } else {
                guard let seconds = ConfigValue.positiveInt(value) else { throw invalid() }
                settings.timeout = seconds
            }
            field = .timeout
        case .pipelining:
            switch value {
            case "on": settings.pipelining = .on
            case "off": settings.pipelining = .off
            case "auto": settings.pipelining = .auto
            default: throw invalid()
            }
            field = .pipelining
        case .receivedHeader:
            settings.receivedHeader = try flag()
            field = .receivedHeader
        case .auth:
            guard let method = ConfigValue.authMethod(value) else { throw invalid() }
            settings.auth = method
            field = .auth
        case .user:
            settings.user = optional()
            field = .user
        case .passwordEval:
            settings.passwordEval = optional()
            field = .passwordEval
        case .proxyHost:
            settings.proxyHost = optional()
            field = .proxyHost
        case .proxyPort:
            if value.isEmpty {
                settings.proxyPort = nil
            } else {
                guard let port = ConfigValue.port(value) else { throw invalid() }
                settings.proxyPort = port
            }
            field = .proxyPort
        case .sourceIP:
            settings.sourceIP = optional()
            field = .sourceIP
        case .socket:
            settings.socket = optional()
            field = .socket
        case .tls:
            settings.tls = try flag()
            field = .tls
        case .tlsStartTLS:
            settings.tlsStartTLS = try flag()
            field = .tlsStartTLS
        case .tlsTrustFile:
            settings.tlsTrustFile = optionalPath()
            field = .tlsTrustFile
        case .tlsCRLFile:
            settings.tlsCRLFile = optionalPath()
            field = .tlsCRLFile
        case .tlsFingerprint:
            if value.isEmpty {
                settings.tlsFingerprint = nil
            } else {
                guard let bytes = ConfigValue.fingerprint(value) else { throw invalid() }
                settings.tlsFingerprint = bytes
            }
            field = .tlsFingerprint
        case .tlsKeyFile:
            settings.tlsKeyFile = optionalPath()
            field = .tlsKeyFile
        case .tlsCertFile:
            settings.tlsCertFile = optionalPath()
            field = .tlsCertFile
        case .tlsCertCheck:
            settings.tlsCertCheck = try flag()
            field = .tlsCertCheck
        case .tlsMinDHPrimeBits:
            if value.isEmpty {
                settings.tlsMinDHPrimeBits = nil
            } else {
                guard let bits = ConfigValue.positiveInt(value) else { throw invalid() }
                settings.tlsMinDHPrimeBits = bits
            }
            field = .tlsMinDHPrimeBits
        case .tlsPriorities:
            settings.tlsPriorities = optional()
            field = .tlsPriorities
        case .tlsHostOverride:
            settings.tlsHostOverride = optional()
            field = .tlsHostOverride
        case .onlyNew:
            settings.onlyNew = try flag()
            field = .onlyNew
        case .keep:
            settings.keep = try flag()
            field = .keep
        case .killSize:
            settings.killSize = try size()
            field = .killSize
        case .skipSize:
            settings.skipSize = try size()
            field = .skipSize
        case .filter:
            settings.filter = optional()
            field = .filter
        case .delivery:
            settings.delivery = try delivery(value, home: home, invalid: invalid())
            field = .delivery
        case .uidlsFile:
            settings.uidlsFile = ConfigValue.expandTilde(value, home: home)
            field = .uidlsFile
        }
        settings.explicitlySet.insert(field)
        invocation.overrides = settings
    }

    /// `--delivery=METHOD,ARG`; the argument is tilde-expanded except for `mda`.
    private static func delivery(_ value: String, home: String,
                                 invalid: CommandLineError) throws(CommandLineError) -> Account.Delivery {
        for method in ["mda", "maildir", "mbox", "exchange"] where value.hasPrefix(method + ",") {
            let argument = String(value.dropFirst(method.count + 1))
            switch method {
            case "mda": return .mda(argument)
            case "maildir": return .maildir(ConfigValue.expandTilde(argument, home: home))
            case "mbox": return .mbox(ConfigValue.expandTilde(argument, home: home))
            default: return .exchange(ConfigValue.expandTilde(argument, home: home))
            }
        }
        throw invalid
    }
}
