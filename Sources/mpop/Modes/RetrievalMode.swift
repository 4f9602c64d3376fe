import POP3Core

/// Retrieval mode, with `-A` (authenticate only) and `-s` (status only):
/// each account in turn, its errors followed by `error during mail
/// retrieval`, then its `--summary` line; after an abort by a signal the
/// remaining accounts are skipped.
struct RetrievalMode {
    let invocation: Invocation
    let environment: Environment

    func run(_ accounts: [Account]) -> ExitStatus {
        let printer = RetrievalPrinter(verbosity: verbosity)
        let logWriter = FetchLogWriter()
        let receivedHeader = ReceivedHeaderContext.local(environment)
        var failures: [ExitStatus] = []
        for account in accounts {
            let cancellation = Cancellation()
            let (failure, stop) = AbortSignals.whileServing(cancellation) {
                let failure = serve(account, printer: printer, logWriter: logWriter, receivedHeader: receivedHeader,
                                    cancellation: cancellation)
                return (failure, failure != nil && cancellation.isCancelled)
            }
            if let failure { failures.append(failure) }
            if stop { break }
        }
        return ModeRunner.combined(failures)
    }

    /// Retrieves from one account and prints its errors and its summary;
    /// returns the failure's exit status.
    private func serve(_ account: Account, printer: RetrievalPrinter, logWriter: FetchLogWriter,
                       receivedHeader: ReceivedHeaderContext, cancellation: Cancellation) -> ExitStatus? {
        let log = FetchLogWriter.logs(account) ? FetchLog(account: account, writer: logWriter, next: printer) : nil
        let tally = invocation.summary == .json || log != nil
            ? RetrievalTally(account: account, next: log ?? printer) : nil
        defer {
            if let tally {
                log?.finish(tally.summary)
                if invocation.summary == .json { Console.out(tally.summary.jsonLine) }
            }
        }
        do {
            let oauth2 = OAuth2Login.make(for: account, invocation: invocation, environment: environment,
                                          cancellation: cancellation)
            let attempt = {
                try retrieve(account, observer: tally ?? printer, receivedHeader: receivedHeader,
                             cancellation: cancellation, oauth2: oauth2)
            }
            try oauth2?.retryingOnce(attempt) ?? attempt()
            return nil
        } catch {
            tally?.fail(with: error)
            Console.report(error)
            if let name = account.name, let file = account.configurationFile {
                Console.diagnostic("error during mail retrieval (account \(name) from \(file))")
            } else {
                Console.diagnostic("error during mail retrieval")
            }
            return exitStatus(for: error)
        }
    }

    private var verbosity: RetrievalPrinter.Verbosity {
        if !invocation.printStatus { return .quiet }
        return invocation.printProgress ? .full : .statusOnly
    }

    private func retrieve(_ account: Account, observer: any RetrievalObserver,
                          receivedHeader: ReceivedHeaderContext, cancellation: Cancellation,
                          oauth2: OAuth2Login?) throws {
        if invocation.authOnly {
            try AccountConnection.session(for: account, debug: invocation.debug, environment: environment,
                                          cancellation: cancellation, oauth2: oauth2).runAuthOnly()
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
        let session = try AccountConnection.session(for: account, debug: invocation.debug,
                                                    environment: environment, cancellation: cancellation,
                                                    oauth2: oauth2)
        session.whileAwaitingGreeting = {
            if store == nil { store = try locked.load() }
            let key = Retrieval.listKey(for: account)
            store?.prepare(host: key.host, user: key.user)
        }
        guard let delivery = account.delivery else {
            // AccountCheck refuses a retrieval account without delivery.
            preconditionFailure("account without delivery reached retrieval")
        }
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
