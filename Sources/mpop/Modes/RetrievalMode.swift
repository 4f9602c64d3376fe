#if canImport(Glibc)
import Glibc
#endif
import POP3Core

/// Retrieval mode, with `-A` (authenticate only) and `-s` (status only):
/// each account's errors followed by `error during mail retrieval`, then
/// its `--summary` line; after an abort by a signal the remaining accounts
/// are skipped.
///
/// With several accounts and `simultaneous_accounts` above 1 (the
/// default), the accounts are served side by side (``ConcurrentRetrieval``)
/// with the same output and exit status; otherwise one after another, as
/// mpop does.
struct RetrievalMode: Sendable {
    let invocation: Invocation
    let environment: Environment

    /// What every account of the run shares, made once on the main thread.
    struct RunContext: Sendable {
        let logWriter: FetchLogWriter
        let passwords: PasswordSource
        /// This machine and user for Received headers (``ReceivedHeaderContext/local(_:)``).
        let localCanonicalName: String
        let localUser: String
        /// Whether stdout is a terminal (progress with backspaces).
        let terminal: Bool
    }

    /// How one account's run ended.
    struct Outcome: Sendable {
        /// The exit status of its failure, `nil` when it succeeded.
        var failure: ExitStatus?
        /// Whether it failed after a signal asked to stop.
        var stoppedBySignal: Bool
    }

    func run(_ accounts: [Account]) -> ExitStatus {
        let local = ReceivedHeaderContext.local(environment)
        let context = RunContext(logWriter: FetchLogWriter(),
                                 passwords: PasswordSource(environment: environment,
                                                           prompter: TerminalPasswordPrompter()),
                                 localCanonicalName: local.localCanonicalName, localUser: local.localUser,
                                 terminal: isatty(1) == 1)
        let simultaneous = Self.simultaneousAccounts(accounts)
        if simultaneous > 1 && accounts.count > 1 {
            return ConcurrentRetrieval(mode: self, context: context).run(accounts, simultaneous: simultaneous)
        }
        var failures: [ExitStatus] = []
        for account in accounts {
            let cancellation = Cancellation()
            let outcome = AbortSignals.whileServing(cancellation) {
                serve(account, console: .direct, terminal: context.terminal, context: context,
                      cancellation: cancellation)
            }
            if let failure = outcome.failure { failures.append(failure) }
            if outcome.stoppedBySignal { break }
        }
        return ModeRunner.combined(failures)
    }

    /// How many accounts the run serves at once: the smallest
    /// `simultaneous_accounts` of its accounts (the option sets it for
    /// all), else ``Account/defaultSimultaneousAccounts``.
    static func simultaneousAccounts(_ accounts: [Account]) -> Int {
        accounts.compactMap(\.simultaneousAccounts).min() ?? Account.defaultSimultaneousAccounts
    }

    /// Retrieves from one account and prints its errors and its summary on
    /// `console`; `terminal` says whether progress may use backspaces.
    func serve(_ account: Account, console: AccountConsole, terminal: Bool, context: RunContext,
               cancellation: Cancellation) -> Outcome {
        let printer = RetrievalPrinter(verbosity: verbosity, terminal: terminal, write: console.out,
                                       warn: console.diagnostic)
        let log = FetchLogWriter.logs(account)
            ? FetchLog(account: account, writer: context.logWriter, console: console, next: printer) : nil
        let tally = invocation.summary == .json || log != nil
            ? RetrievalTally(account: account, next: log ?? printer) : nil
        defer {
            if let tally {
                log?.finish(tally.summary)
                if invocation.summary == .json { console.out(tally.summary.jsonLine) }
            }
        }
        do {
            let oauth2 = OAuth2Login.make(for: account, invocation: invocation, environment: environment,
                                          cancellation: cancellation)
            let attempt = {
                try retrieve(account, observer: tally ?? printer, console: console, context: context,
                             cancellation: cancellation, oauth2: oauth2)
            }
            try oauth2?.retryingOnce(attempt) ?? attempt()
            return Outcome(failure: nil, stoppedBySignal: false)
        } catch {
            tally?.fail(with: error)
            console.report(error)
            if let name = account.name, let file = account.configurationFile {
                console.diagnostic("error during mail retrieval (account \(name) from \(file))")
            } else {
                console.diagnostic("error during mail retrieval")
            }
            return Outcome(failure: exitStatus(for: error), stoppedBySignal: cancellation.isCancelled)
        }
    }

    private var verbosity: RetrievalPrinter.Verbosity {
        if !invocation.printStatus { return .quiet }
        return invocation.printProgress ? .full : .statusOnly
    }

    private func retrieve(_ account: Account, observer: any RetrievalObserver, console: AccountConsole,
                          context: RunContext, cancellation: Cancellation, oauth2: OAuth2Login?) throws {
        let connect = {
            try AccountConnection.session(for: account, debug: invocation.debug, console: console,
                                          passwords: context.passwords, cancellation: cancellation, oauth2: oauth2)
        }
        if invocation.authOnly {
            try connect().runAuthOnly()
            return
        }
        // The UIDLs file is locked before connecting (mpop locks it after
        // LIST): a second run on the same account then waits before it asks
        // the server for its list, and so never sees, and fetches again,
        // messages that the first run delivered and deleted meanwhile. It
        // is parsed while the server prepares its greeting.
        let locked = try UIDLsFile.lock(path: account.uidlsFile, cancellation: cancellation)
        var store: UIDLsFile?
        defer { store?.close() }
        let session = try connect()
        session.whileAwaitingGreeting = {
            if store == nil { store = try locked.load() }
            let key = Retrieval.listKey(for: account)
            store?.prepare(host: key.host, user: key.user)
        }
        guard let delivery = account.delivery else {
            // AccountCheck refuses a retrieval account without delivery.
            preconditionFailure("account without delivery reached retrieval")
        }
        let receivedHeader = ReceivedHeaderContext(localCanonicalName: context.localCanonicalName,
                                                   localUser: context.localUser)
        let retrieval = Retrieval(
            session: session,
            openStore: {
                if store == nil { store = try locked.load() }
                return store!
            },
            makeSink: { try makeSink(for: delivery, uidlsFile: account.uidlsFile, cancellation: cancellation) },
            filter: account.filter.map { HeaderFilter(command: $0) },
            observer: observer,
            receivedHeader: account.receivedHeader ? receivedHeader : nil)
        try retrieval.run(statusOnly: invocation.statusOnly)
    }
}
