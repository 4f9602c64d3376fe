/// Retrieval mode for one account (mpop 1.4.18 `mpop_retrmail`, §3.1):
/// open and authenticate, STAT, LIST, the UIDLs file, UIDL, status, size
/// rules, header filter, RETR into the sink, DELE, QUIT, save.
///
/// Durability (better than mpop): each message's UID is recorded with
/// ``SeenMessageStore/recordDelivered(_:host:user:)`` right after its
/// commit, so that a kill cannot make it look new; in batches, the messages
/// are made durable with ``MessageSink/syncCommitted()`` and then their
/// records with ``SeenMessageStore/makeRecordsDurable()``, always before
/// any DELE; only then are they counted as delivered.
///
/// After RETR has begun, any error (delivery, protocol, I/O, a signal)
/// saves the UIDLs file with everything delivered so far and drops the
/// connection without QUIT, so the server deletes nothing.
public final class Retrieval {
    let session: POP3Session
    let openStore: () throws -> any SeenMessageStore
    let makeSink: () throws -> any MessageSink
    let filter: (any HeaderFilterRunner)?
    let observer: (any RetrievalObserver)?
    let receivedHeaderContext: ReceivedHeaderContext?
    /// How many committed messages may wait for one sync. The sync runs
    /// when reading pauses to refill the pipelining window, so the default
    /// is one window's refill (mpop's PIPELINE_MAX − PIPELINE_MIN); without
    /// pipelining it is a plain count.
    public var syncBatchSize = PipelineWindow.pipelined.maximum - PipelineWindow.pipelined.minimum

    /// How far the run got: what it holds open, and so what an error must
    /// save or let go.
    enum Phase {
        /// The UIDLs file is not open yet: an error leaves nothing behind.
        case starting
        /// The UIDLs file is open and locked, nothing is delivered yet: an
        /// error lets it go unsaved.
        case listed(any SeenMessageStore)
        /// Messages go into the open sink: an error makes the committed ones
        /// durable, closes the sink, then saves as in ``settling(_:)``.
        case delivering(any SeenMessageStore, any MessageSink)
        /// Retrieval has begun and no sink is open (none needed yet, or its
        /// work is done: DELE, QUIT): an error saves what was delivered.
        case settling(any SeenMessageStore)
        /// The UIDLs file is saved (or, for `-s`, let go); nothing is left
        /// to undo.
        case finished
    }

    var phase = Phase.starting
    var records = MessageTable()
    var hasUIDs = false
    /// The records delivered or killed in this session, whose end the fetch
    /// log reports as deleted or kept.
    var handled: [UInt32] = []
    /// The messages committed to the sink and not yet synced, while
    /// ``Phase/delivering(_:_:)``.
    var pendingCommitted: [Int] = []
    var newlineCountsTwo = false
    /// When the session started (the store's clock): "now" for
    /// `keep DURATION`, and the first-seen time of every new UID.
    var sessionStart: Int64 = 0
    /// The Received header of the last message, and the second it shows.
    var receivedHeaderCache: (time: Int, lines: [String])?

    let account: Account
    /// The host and user that name the account's list in the UIDLs file.
    let storeHost: String
    let storeUser: String

    /// The host and user of `account`'s list in the UIDLs file.
    public static func listKey(for account: Account) -> (host: String, user: String) {
        (account.host ?? account.socket ?? "", account.user ?? "")
    }

    /// - Parameters:
    ///   - session: a fresh session (not yet opened).
    ///   - openStore: gives the UIDLs file, called after STAT and LIST as
    ///     mpop reads it; the mpop target has locked it before connecting
    ///     and parsed it while the server prepared its greeting.
    ///   - makeSink: opens the delivery; called when the first RETR is due.
    ///   - filter: the header filter, when `filter` is set.
    ///   - observer: receives the status, size/filter lines and progress.
    ///   - receivedHeader: what the Received header needs; it is only used
    ///     with `received_header on`.
    public init(session: POP3Session, openStore: @escaping () throws -> any SeenMessageStore,
                makeSink: @escaping () throws -> any MessageSink, filter: (any HeaderFilterRunner)?,
                observer: (any RetrievalObserver)?, receivedHeader: ReceivedHeaderContext?) {
        self.session = session
        account = session.account
        (storeHost, storeUser) = Self.listKey(for: account)
        self.openStore = openStore
        self.makeSink = makeSink
        self.filter = filter
        self.observer = observer
        receivedHeaderContext = session.account.receivedHeader ? receivedHeader : nil
    }

    /// Runs the whole account. With `statusOnly` (`-s`) it stops after the
    /// status with QUIT, reading but not writing the UIDLs file.
    /// - Throws: any ``ReportableError`` of the session, the store, the sink
    ///   or the filter; ``POP3Error/aborted(betweenPhases:)`` after a signal.
    public func run(statusOnly: Bool = false) throws {
        guard case .starting = phase else { preconditionFailure("Retrieval.run() called twice") }
        do {
            try session.open(authenticationFollows: true)
            try session.checkAbort(betweenPhases: true)
            // STAT, LIST and UIDL do not depend on each other's answers: with
            // pipelining they go out with the login's last command.
            let caps = session.capabilities
            session.sendAfterLogin(caps.uidl || !caps.capa ? [.stat, .list, .uidl] : [.stat, .list])
            try session.authenticate()
            try session.refreshCapabilitiesAfterAuthentication()
            try session.checkAbort(betweenPhases: true)
            let (count, totalSize) = try session.stat()
            let sizes = count > 0 || session.wasSentAhead(.list) ? try session.list(count: count) : []
            try session.checkAbort(betweenPhases: true)
            let store = try openStore()
            phase = .listed(store)
            if !statusOnly {
                repairInterruptedAppends(store)
            }
            var uids: UIDSequence?
            // A listing that repeats the stored list shares its buffer.
            let stored = store.storedUIDs(host: storeHost, user: storeUser)
            if session.wasSentAhead(.uidl) {
                // Sent with the capabilities known before the login; its
                // answer, read in any case, counts only for a non-empty
                // mailbox, as without pipelining.
                let listed = try session.uidl(count: count, expected: stored)
                if count > 0 { uids = listed }
            } else if count > 0 && (session.capabilities.uidl || !session.capabilities.capa) {
                uids = try session.uidl(count: count, expected: stored)
            }
            prepareRecords(sizes: sizes, uids: uids, totalSize: totalSize, store: store)
            if !statusOnly, let uids {
                removeCrashLeftovers(store, onServer: uids)
            }
            if statusOnly {
                // The status is out and nothing is to be committed: QUIT
                // goes out, its answer is not waited for.
                session.quitWithoutWaiting()
                store.close()
                phase = .finished
                return
            }
            if account.keep.duration != nil {
                store.keepFirstSeenTimes()
            }
            try session.checkAbort(betweenPhases: true)
            applySizeRules()
            if filter != nil && count > 0 {
                try runHeaderFilter()
            }
            try session.checkAbort(betweenPhases: true)
            phase = .settling(store)
            try retrieveAll(store: store)
            try finish(store: store)
        } catch {
            switch phase {
            case .starting, .finished:
                break
            case .listed(let store):
                store.close()
            case .delivering(let store, let sink):
                saveAfterLateError(store, sink: sink)
            case .settling(let store):
                saveAfterLateError(store, sink: nil)
            }
            phase = .finished
            session.close()
            throw error
        }
    }

    /// Builds the records, marks known UIDs old, and reports the status.
    func prepareRecords(sizes: MessageSizes, uids: UIDSequence?, totalSize: Int64, store: any SeenMessageStore) {
        hasUIDs = uids != nil
        let known = store.seenUIDs(host: storeHost, user: storeUser)
        sessionStart = store.sessionStart
        let now = sessionStart
        let times = store.firstSeenTimes(host: storeHost, user: storeUser)
        let onlyNew = account.onlyNew
        var newCount = 0
        var newSize: Int64 = 0
        records = MessageTable(sizes: sizes, uids: uids, firstSeen: now)
        for i in records.indices {
            guard let uids else {
                newCount += 1
                newSize += sizes[i]
                continue
            }
            if !times.isEmpty, let time = times[uids[i]], time != now {
                records[i].firstSeen = time
            }
            if uids.withBytes(at: i, { known.contains(bytes: $0) }) {
                var record = records[i]
                record.isOld = true
                if onlyNew { record.action = .delete }
                records[i] = record
            } else {
                newCount += 1
                newSize += sizes[i]
            }
        }
        if uids == nil { newSize = totalSize }
        observer?.status(user: account.user ?? "", host: storeHost, newCount: newCount, newSize: newSize,
                         totalCount: sizes.count, totalSize: totalSize)
    }

    /// killsize, then skipsize, on messages still to be retrieved (§3.5).
    func applySizeRules() {
        for i in records.indices where records[i].action == .normal {
            if let kill = account.killSize, records[i].size >= kill {
                records[i].action = .delete
                records[i].isOld = true
                let deleted = mayDelete(records[i])
                observer?.skipped(number: records[i].number, of: records.count, reason: .killsize,
                                  deleted: deleted, keep: !deleted)
                report(i, .killed(.killsize))
            } else if let skip = account.skipSize, records[i].size >= skip {
                records[i].action = .ignore
                observer?.skipped(number: records[i].number, of: records.count, reason: .skipsize,
                                  deleted: false, keep: !account.keep.isOff)
                report(i, .skipped(.skipsize))
            }
        }
    }

    /// Tells the observer what happened to `records[index]`; a delivered or
    /// killed message is reported again when the session ends.
    func report(_ index: Int, _ outcome: MessageEvent.Outcome) {
        switch outcome {
        case .delivered, .killed: handled.append(UInt32(index))
        case .skipped, .deleted, .kept: break
        }
        guard let observer else { return }
        let record = records[index]
        observer.messageEvent(MessageEvent(number: record.number, uid: records.uid(at: index), size: record.size,
                                           outcome: outcome))
    }

    /// Whether `keep` lets the message be deleted in this session: always
    /// with `off`, never with `on`, and with a duration once that much time
    /// has passed since it was first seen (mpop 1.4.23).
    func mayDelete(_ record: MessageRecord) -> Bool {
        account.keep.allowsDeletion(firstSeen: record.firstSeen, now: sessionStart)
    }

    /// Everything old goes into the UIDLs file (or nothing without UIDL),
    /// each UID with the time it was first seen when `withTimes`. When
    /// every message is old (a run that fetched all, or found nothing
    /// new) the server's list is shared as it is, not copied.
    func storedUIDs(withTimes: Bool = true) -> (uids: UIDSequence, firstSeen: [Int64]?) {
        guard hasUIDs, let all = records.uids else { return (UIDSequence(), withTimes ? [] : nil) }
        let oldCount = records.indices.reduce(0) { $0 + (records.isOld(at: $1) ? 1 : 0) }
        var uids = all
        if oldCount < all.count {
            uids = UIDSequence()
            uids.reserveCapacity(count: oldCount, bytes: 0)
            for index in records.indices where records.isOld(at: index) {
                uids.append(all, at: index)
            }
        }
        guard withTimes else { return (uids, nil) }
        var times: [Int64] = []
        times.reserveCapacity(oldCount)
        for index in records.indices where records.isOld(at: index) {
            times.append(records[index].firstSeen)
        }
        return (uids, times)
    }

    /// Replaces the account's list in `store` with ``storedUIDs()``.
    func replaceStoredList(in store: any SeenMessageStore) {
        let (uids, times) = storedUIDs(withTimes: store.keepsFirstSeenTimes)
        store.replace(host: storeHost, user: storeUser, with: uids, firstSeen: times)
    }

    /// Cuts the torn messages that a run killed in the middle of an mbox
    /// delivery left behind (see ``MboxRepair``), before anything is
    /// appended after them. What cannot be cut is reported, not fatal: the
    /// torn message stays as mpop would leave it.
    func repairInterruptedAppends(_ store: any SeenMessageStore) {
        for intents in store.interruptedAppends {
            guard let first = intents.first else { continue }
            do {
                let outcome = try MboxRepair.repair(intents, cancellation: session.cancellation)
                if case .leftInPlace(let offset, let bytes) = outcome {
                    observer?.warning("\(first.path): an interrupted delivery left \(bytes) bytes of a message "
                                      + "at offset \(offset), followed by data that is not ours; left in place")
                }
            } catch {
                observer?.warning("\(first.path): cannot remove the part of a message that an interrupted "
                                  + "delivery left: \(error.explanation)")
            }
        }
    }

    /// Removes what deliveries whose records a crash of the machine took
    /// left on disk (see ``CrashLeftovers``), for the messages that will
    /// be fetched again: still on the server, and not counted as seen.
    func removeCrashLeftovers(_ store: any SeenMessageStore, onServer uids: UIDSequence) {
        let dropped = store.droppedRecords.filter { $0.host == storeHost && $0.user == storeUser }
        guard !dropped.isEmpty else { return }
        let onServer = SeenUIDs(uids)
        let seen = store.seenUIDs(host: storeHost, user: storeUser)
        let refetched = { (uid: [UInt8]) in
            uid.withUnsafeBytes { onServer.contains(bytes: $0) && !seen.contains(bytes: $0) }
        }
        for warning in CrashLeftovers.remove(dropped, bootTime: UIDLsJournalReplay.bootTime(), fetchedAgain: refetched) {
            observer?.warning(warning)
        }
    }

    /// A late error: make what was delivered durable, save, no QUIT.
    func saveAfterLateError(_ store: any SeenMessageStore, sink: (any MessageSink)?) {
        if let sink {
            try? flushCommitted(sink: sink, store: store)
            try? sink.close()
        }
        replaceStoredList(in: store)
        try? store.save()
        store.close()
    }
}
