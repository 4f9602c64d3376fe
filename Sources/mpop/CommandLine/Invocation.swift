import POP3Core

/// Everything the command line asks for, parsed but not yet applied.
struct Invocation: Sendable {
    /// The mode of operation.
    enum Mode: Sendable, Equatable {
        /// Retrieve mail (the default).
        case retrieval
        /// `-S`, `--serverinfo`.
        case serverInfo
        /// `--configure=ADDRESS`.
        case configure(address: String)
        /// `--mda` (mpop 1.4.23): deliver one mail from standard input.
        case mda
        /// `--oauth2-authorize[=FLOW]` (ours): authorize each selected account once.
        case oauth2Authorize(OAuth2Flow)
    }

    /// How `--oauth2-authorize` asks the user for consent.
    enum OAuth2Flow: String, Sendable {
        /// The authorization-code flow with PKCE and a loopback redirect
        /// (RFC 8252, RFC 7636): the user opens the printed URL in a browser
        /// on this machine.
        case browser
        /// The device authorization grant (RFC 8628): the user enters the
        /// printed code on any device.
        case device
    }

    /// What `--summary` prints after each account of retrieval mode.
    enum SummaryFormat: String, Sendable {
        /// Nothing (the default).
        case off
        /// One JSON object per account and line on stdout (``RunSummary``).
        case json
    }

    /// `--version`
    var printVersion = false
    /// `--help`
    var printHelp = false
    /// mpop's mode flags, kept as mpop keeps them because their interplay
    /// decides the mode: `--version` and `--help` clear all four, `-S`
    /// clears retrieval, `--configure` and 1.4.23's `--mda` clear the
    /// other three but `-S` does not clear `--mda`.
    var retrievalFlag = true
    var serverInfoFlag = false
    var configureAddress: String?
    var mdaFlag = false
    /// `--oauth2-authorize`, with its flow.
    var oauth2Flow: OAuth2Flow?

    /// `-P`: print the configuration and exit.
    var pretend = false
    /// `-d`: print the configuration, then the protocol dialogue.
    var debug = false
    /// Status lines (off with `-q`).
    var printStatus = true
    /// Progress output (off with `-q`, `-Q` and `-d`).
    var printProgress = true
    /// `-a`
    var allAccounts = false
    /// `-A`
    var authOnly = false
    /// `-s`
    var statusOnly = false
    /// `--summary`
    var summary = SummaryFormat.off
    /// `-C FILE`, as given (no tilde expansion).
    var configurationFile: String?
    /// The account names after the options, in order; may repeat. With
    /// `--mda`, the envelope sender (at most one).
    var accountNames: [String] = []
    /// The settings given as options, applied to every selected account; in
    /// `--host` mode, the one account itself.
    var overrides: AccountSettings

    /// Nothing asked for yet; `home` is where the default UIDLs file lies.
    init(home: String) {
        overrides = AccountSettings(home: home)
    }

    /// `--host` was given (even empty): no configuration file is read.
    var hostMode: Bool { overrides.host != nil }

    /// `-P` or `-d`: the configuration is printed before anything else.
    var printsConfiguration: Bool { pretend || debug }

    /// The mode mpop runs in after `--version`/`--help` output, or `nil`
    /// when there is nothing left to do. `--configure` and `--mda` given
    /// after `--help` or `--version` still run, as in mpop.
    var mode: Mode? {
        if let configureAddress { return .configure(address: configureAddress) }
        if mdaFlag { return .mda }
        if printVersion || printHelp { return nil }
        if let oauth2Flow { return .oauth2Authorize(oauth2Flow) }
        if serverInfoFlag { return .serverInfo }
        if retrievalFlag { return .retrieval }
        return nil
    }
}
