import POP3Core

/// The long options that are no setting of an account: what to print, the
/// mode, the configuration file, our `--summary` and mpop 1.4.23's `--mda`.
/// The settings' options come from ``Setting/definition``.
enum ProgramOption: String, Sendable, CaseIterable {
    case version, help, configure, quiet, halfQuiet = "half-quiet", pretend, debug, serverInfo = "serverinfo"
    case file, authOnly = "auth-only", allAccounts = "all-accounts", statusOnly = "status-only"
    /// Not in mpop 1.4.18.
    case summary
    /// mpop 1.4.23's MDA mode (not in 1.4.18). 1.4.23 lists it fourth in its
    /// table, but no other option starts with `m`, so its place there shows
    /// in no getopt message.
    case mda
    /// Ours: `--oauth2-authorize[=browser|device]` obtains and stores an
    /// account's first OAuth 2.0 tokens (``OAuthAuthorizeMode``).
    case oauth2Authorize = "oauth2-authorize"

    /// The long option, without `--`.
    var name: String { rawValue }

    /// Whether getopt demands an argument; the others take none.
    var takesArgument: Bool {
        switch self {
        case .configure, .file, .summary: true
        default: false
        }
    }

    /// Whether getopt accepts an argument after `=` but does not demand one.
    var takesOptionalArgument: Bool {
        self == .oauth2Authorize
    }

    /// The short option that means the same.
    var shortOption: Character? {
        switch self {
        case .quiet: "q"
        case .halfQuiet: "Q"
        case .pretend: "P"
        case .debug: "d"
        case .serverInfo: "S"
        case .file: "C"
        case .authOnly: "A"
        case .allAccounts: "a"
        case .statusOnly: "s"
        default: nil
        }
    }

    /// Applies the option, given with `argument` (getopt's `optarg`).
    /// - Throws: ``CommandLineError/invalidArgument(value:option:)`` for a
    ///   `--summary` format we do not have.
    func apply(_ argument: String?, to invocation: inout Invocation) throws(CommandLineError) {
        let value = argument ?? ""
        switch self {
        case .version, .help:
            // Both print their text and clear every mode.
            if self == .version { invocation.printVersion = true } else { invocation.printHelp = true }
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
            invocation.configureAddress = nil
            invocation.mdaFlag = false
            invocation.oauth2Flow = nil
        case .configure:
            invocation.configureAddress = value
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
            invocation.mdaFlag = false
        case .mda:
            // It leaves --help and --version alone: mpop 1.4.23 prints
            // their text, then delivers.
            invocation.mdaFlag = true
            invocation.configureAddress = nil
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
        case .quiet:
            invocation.printStatus = false
            invocation.printProgress = false
        case .halfQuiet:
            invocation.printProgress = false
        case .pretend:
            invocation.pretend = true
        case .debug:
            invocation.debug = true
            // Progress output would interfere with the dialogue.
            invocation.printProgress = false
        case .serverInfo:
            invocation.serverInfoFlag = true
            invocation.retrievalFlag = false
        case .file:
            invocation.configurationFile = value
        case .authOnly:
            invocation.authOnly = true
        case .allAccounts:
            invocation.allAccounts = true
        case .statusOnly:
            invocation.statusOnly = true
        case .oauth2Authorize:
            guard let flow = Invocation.OAuth2Flow(rawValue: argument ?? "browser") else {
                throw .invalidArgument(value: value, option: "--" + name)
            }
            invocation.oauth2Flow = flow
            invocation.retrievalFlag = false
            invocation.serverInfoFlag = false
        case .summary:
            guard let format = Invocation.SummaryFormat(rawValue: value) else {
                throw .invalidArgument(value: value, option: "--" + name)
            }
            invocation.summary = format
        }
    }
}
