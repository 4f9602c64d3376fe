import POP3Core

/// Retrieval mode for several accounts at once, `simultaneous` at most,
/// each on a worker thread of its own with its own ``Cancellation``,
/// session and output, so that the run reads as one of mpop's:
///
/// - Output: ``OrderedOutput`` gives each account's stdout and stderr lines
///   together and in configured order; progress with backspaces only for
///   an account that starts live on a terminal.
/// - Order of work: ``AccountQueue`` starts accounts in configured order and
///   keeps those that share a UIDLs file or a login one after another
///   (``ConflictKeys``); accounts that share an mbox take turns at it
///   (``InProcessFileGate``).
/// - Passwords: those that only the terminal prompt would give are asked
///   for first, one at a time, in account order (``askPasswordsFirst(_:)``).
/// - Signals: SIGINT, SIGTERM and SIGHUP stop every running account
///   (``AbortSignals/whileRunning(_:_:)``); no further account starts.
/// - Exit status: mpop's rule (``ModeRunner/combined(_:)``) over the
///   accounts in configured order, where the accounts a signal stopped
///   count as one failure, the first of them: as in a run of one account
///   after another, which stops at the first.
struct ConcurrentRetrieval {
    let mode: RetrievalMode
    let context: RetrievalMode.RunContext

    /// The most threads a run starts, whatever the setting says (the
    /// signal handlers reach 256 sessions).
    static let threadLimit = 64

    func run(_ accounts: [Account], simultaneous: Int) -> ExitStatus {
        let output = OrderedOutput(count: accounts.count)
        let queue = AccountQueue(keys: accounts.map(ConflictKeys.keys(of:)))
        let outcomes = Locked<[RetrievalMode.Outcome?]>(Array(repeating: nil, count: accounts.count))
        let runCancellation = Cancellation()
        let workerCount = min(simultaneous, accounts.count, Self.threadLimit)
        let done = Countdown(workerCount)
        let mode = self.mode, context = self.context

        let threads = AbortSignals.whileRunning(runCancellation) {
            // A signal at a prompt is taken as during a session's wait: the
            // question is still answered, then the first account stops.
            let accounts = askPasswordsFirst(accounts, unless: runCancellation)
            let work: @Sendable (Int) -> Void = { _ in
                defer { done.countDown() }
                while let index = queue.next(stop: { runCancellation.isCancelled }) {
                    let cancellation = Cancellation()
                    let outcome = AbortSignals.enlisting(cancellation) {
                        mode.serve(accounts[index], console: output.console(for: index),
                                   terminal: context.terminal && output.isLive(index), context: context,
                                   cancellation: cancellation)
                    }
                    outcomes.withLock { $0[index] = outcome }
                    output.finish(index)
                    queue.finished(index)
                }
            }
            let threads = WorkerThreads.start(workerCount, work)
            // A thread the system refused does the work of none; the
            // calling thread stands in for each.
            for _ in threads.count..<workerCount { work(0) }
            done.wait()
            return threads
        }
        // Joined only now that the handlers, which may name them, are gone.
        threads.join()
        // Accounts that never started (the run was stopped) printed
        // nothing; let the output of those after them out.
        for index in accounts.indices { output.finish(index) }
        return Self.combined(outcomes.withLock { $0 })
    }

    /// mpop's rule over the outcomes in configured order, the accounts a
    /// signal stopped counting as one.
    static func combined(_ outcomes: [RetrievalMode.Outcome?]) -> ExitStatus {
        var failures: [ExitStatus] = []
        var stopped = false
        for case let outcome? in outcomes {
            guard let failure = outcome.failure else { continue }
            if outcome.stoppedBySignal {
                if stopped { continue }
                stopped = true
            }
            failures.append(failure)
        }
        return ModeRunner.combined(failures)
    }

    /// The accounts with the password of each one that would otherwise
    /// be asked for at the terminal in the middle of the run already
    /// asked for: in account order, one question at a time, before any
    /// account connects. A password found in the key ring or `~/.netrc`
    /// on the way is kept too. An account without a terminal to ask on is
    /// left as it is: it fails in its turn, as it would have.
    /// Once `stop` is set, nothing more is asked.
    func askPasswordsFirst(_ accounts: [Account], unless stop: Cancellation) -> [Account] {
        accounts.map { account in
            guard PasswordSource.wantsPassword(account), !stop.isCancelled else { return account }
            var account = account
            account.password = context.passwords.withoutAsking(for: account)
                ?? context.passwords.ask(for: account)
            return account
        }
    }
}
