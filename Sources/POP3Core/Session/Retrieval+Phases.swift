/// The TOP, RETR and DELE phases of ``Retrieval``.
extension Retrieval {
    /// Runs the header filter on each message still to be retrieved, with
    /// pipelined `TOP n 0` (§3.1 step 15).
    /// - Throws: ``POP3Error/topNotOffered`` (69, after QUIT, as mpop),
    ///   `command TOP n 0 failed` (76), filter errors (74).
    func runHeaderFilter() throws {
        guard let filter else { return }
        let caps = session.capabilities
        if caps.capa && !caps.top {
            try? session.quit()
            throw POP3Error.topNotOffered
        }
        let targets = records.indices.filter { records.action(at: $0) == .normal }
        try window.run(targets, send: { group in
            try session.sendInTransaction(group.map { .top(records[$0].number, lines: 0) })
        }, receive: { index in
            try session.checkAbort(betweenPhases: false)
            let command = Command.top(records[index].number, lines: 0)
            let reply = try session.readStatus(for: command)
            guard reply.isPositive else { throw POP3Error.commandFailed(command: command.wireText, reply: reply) }
            var run: (any HeaderFilterRun)?
            do {
                try DataStreamer.stream(from: session.lineReader, needsEnvelopeFrom: filter.needsEnvelopeFrom,
                                        begin: { sender in
                    let started = try filter.start(envelopeFrom: sender, size: records[index].size)
                    run = started
                    return { bytes, endsLine in try started.append(bytes, endsLine: endsLine) }
                }, observe: { _ in })
                guard let run else { return }
                let decision = try run.finish()
                apply(decision, to: index)
            } catch {
                run?.abort()
                throw error
            }
        })
    }

    private func apply(_ decision: FilterDecision, to index: Int) {
        switch decision {
        case .keep:
            return
        case .delete:
            records[index].action = .delete
            records[index].isOld = true
            let deleted = mayDelete(records[index])
            observer?.skipped(number: records[index].number, of: records.count, reason: .filter,
                              deleted: deleted, keep: !deleted)
            report(index, .killed(.filter))
        case .ignore:
            records[index].action = .ignore
            observer?.skipped(number: records[index].number, of: records.count, reason: .filter,
                              deleted: false, keep: false)
            report(index, .skipped(.filter))
        }
    }

    var window: PipelineWindow { session.pipelining ? .pipelined : .lockStep }

    /// RETR for every message still to be retrieved, delivering each (§3.1 step 16).
    func retrieveAll(store: any SeenMessageStore) throws {
        // 4 bytes a message: a mailbox of 1,000,000 fits.
        let targets = records.indices.compactMap { records.action(at: $0) == .normal ? UInt32($0) : nil }
        guard !targets.isEmpty else { return }
        if hasUIDs {
            // Every delivery's record goes to the journal; the list itself
            // is replaced at the end, so the store need not keep them too.
            store.deliveriesWillBeReplaced(host: storeHost, user: storeUser)
        }
        // The first window goes out before the sink opens: the server
        // starts sending while the delivery gets ready.
        var opened: (any MessageSink)?
        func openSink() throws -> any MessageSink {
            if let opened { return opened }
            let sink = try makeSink()
            opened = sink
            phase = .delivering(store, sink)
            return sink
        }
        try window.run(targets, send: { group in
            try session.sendInTransaction(group.map { .retr(records[Int($0)].number) })
        }, receive: { index in
            let sink = try openSink()
            try session.checkAbort(betweenPhases: false)
            try retrieve(Int(index), into: sink, store: store)
        }, afterBatch: {
            // Once per pipelined window, while the server's replies to the
            // commands still in flight fill the socket buffer.
            if pendingCommitted.count >= syncBatchSize, let opened { try flushCommitted(sink: opened, store: store) }
        })
        let sink = try openSink()
        try flushCommitted(sink: sink, store: store)
        phase = .settling(store)
        try sink.close()
    }

    private func retrieve(_ index: Int, into sink: any MessageSink, store: any SeenMessageStore) throws {
        let record = records[index]
        let uid = hasUIDs ? records.uid(at: index) : nil
        let command = Command.retr(record.number)
        observer?.retrievalStarted(number: record.number, of: records.count, size: record.size)
        var writer: (any MessageWriter)?
        var progress = TransferProgress(size: record.size, newlineCountsTwo: newlineCountsTwo)
        var transferred = false
        do {
            let reply = try session.readStatus(for: command)
            guard reply.isPositive else { throw POP3Error.commandFailed(command: command.wireText, reply: reply) }
            let header = receivedHeaderContext.map { context in
                // The lines change only with the second they show.
                let now = context.now()
                if let cached = receivedHeaderCache, cached.time == now { return cached.lines }
                let lines = ReceivedHeader.lines(server: session.serverIdentity,
                                                 localCanonicalName: context.localCanonicalName,
                                                 localUser: context.localUser, time: now)
                receivedHeaderCache = (now, lines)
                return lines
            }
            try DataStreamer.stream(from: session.lineReader, needsEnvelopeFrom: sink.needsEnvelopeFrom,
                                    begin: { sender in
                let started = try sink.begin(envelopeFrom: sender, receivedHeader: header)
                writer = started
                if let uid {
                    let (host, user) = (storeHost, storeUser)
                    started.journalAppends { intent in
                        try store.recordAppend(uid, intent: intent, host: host, user: user)
                    }
                }
                return { bytes, endsLine in try started.append(bytes, endsLine: endsLine) }
            }, observe: { piece in
                // mpop checks for a signal on every line of a message.
                if piece.endsLine { try session.checkAbort(betweenPhases: false) }
                if let percent = progress.add(count: piece.bytes.count, wasStuffed: piece.wasStuffed,
                                              endsLine: piece.endsLine) {
                    observer?.retrievalProgress(percent: percent)
                }
            })
            observer?.retrievalFinished()
            transferred = true
            if let writer {
                // Before the commit, with evidence the next run can check: a
                // kill between the commit and recordDelivered below must not
                // make the message look new.
                if let uid, let proof = try writer.prepareCommit() {
                    try store.recordPending(uid, proof: proof, host: storeHost, user: storeUser)
                }
                try writer.commit()
            }
            observer?.messageDelivered(number: record.number, size: record.size)
            report(index, .delivered)
        } catch {
            writer?.abort()
            if !transferred { observer?.retrievalAborted() }
            throw error
        }
        if !newlineCountsTwo && progress.received < record.size { newlineCountsTwo = true }
        pendingCommitted.append(index)
        // Recorded at once: a kill from here on cannot make it look new.
        if let uid {
            try store.recordDelivered([uid], host: storeHost, user: storeUser)
        }
    }

    /// Makes committed messages durable, then their records: one sync of
    /// the deliveries and one of the journal for the whole batch. Messages
    /// count as delivered (old, to be deleted) once they are durable
    /// themselves.
    ///
    /// When the sync fails, the sink has removed the batch's messages, so
    /// their journal records are taken back and the messages stay new: a
    /// UID is only ever recorded for a message that is on disk. The batch
    /// is settled either way, so a second call (the late-error path) finds
    /// nothing to do instead of counting it.
    /// - Throws: the sink's or the store's error (74); after it, no DELE
    ///   may be sent.
    func flushCommitted(sink: any MessageSink, store: any SeenMessageStore) throws {
        guard !pendingCommitted.isEmpty else { return }
        let batch = pendingCommitted
        pendingCommitted = []
        do {
            try sink.syncCommitted()
        } catch {
            if hasUIDs {
                try store.withdrawUnmarkedRecords()
            }
            throw error
        }
        for index in batch {
            records[index].isOld = true
            records[index].action = .delete
        }
        if hasUIDs {
            try store.makeRecordsDurable()
        }
    }

    /// DELE for `doomed`, then QUIT and its answer. With pipelining QUIT
    /// goes in the same write as the last DELEs: every message marked is
    /// delivered and synced, so that the server commits the others when
    /// one DELE is refused loses nothing (the refused one stays, and is
    /// reported as mpop reports it).
    private func deleteAndQuit(_ doomed: [Int]) throws {
        let last = doomed.last
        var quitSent = false
        try window.run(doomed, send: { group in
            var commands: [Command] = group.map { .dele(records[$0].number) }
            if session.pipelining && group.last == last {
                commands.append(.quit)
                quitSent = true
            }
            try session.sendInTransaction(commands)
        }, receive: { index in
            try session.checkAbort(betweenPhases: false)
            let command = Command.dele(records[index].number)
            let reply = try session.readStatus(for: command)
            guard reply.isPositive else { throw POP3Error.commandFailed(command: command.wireText, reply: reply) }
        })
        if quitSent {
            try session.readQuitReply()
        } else {
            try session.quit()
        }
    }

    /// DELE (unless `keep` says otherwise), QUIT, and the UIDLs file
    /// (§3.1 steps 17–18). With `keep DURATION` only the messages first
    /// seen at least that long ago are deleted; the others stay on the
    /// server and in the list, with their first-seen times (mpop 1.4.23).
    func finish(store: any SeenMessageStore) throws {
        if account.keep == .on {
            // mpop leaves the list alone for an empty mailbox with keep.
            if !records.isEmpty {
                replaceStoredList(in: store)
            }
            try store.save()
            phase = .finished
            // Nothing is marked deleted, so the server has nothing to
            // commit: QUIT goes out and its answer is not waited for.
            // The table is shared, not copied: each event builds its UID
            // string only when it is reported.
            let kept = handled
            let table = records
            session.quitWithoutWaiting()
            store.close()
            records = MessageTable()
            if let observer {
                for index in kept.lazy.map(Int.init) {
                    let record = table[index]
                    observer.messageEvent(MessageEvent(number: record.number, uid: table.uid(at: index),
                                                       size: record.size, outcome: .kept))
                }
            }
            return
        }
        let doomed = records.indices.filter { records[$0].action == .delete && mayDelete(records[$0]) }
        // No DELE before the journal's markers are on disk: a power loss
        // can take a marker whose sync had not finished (and a record
        // above it), and the next run then counts those messages as not
        // delivered, or their mbox appends as interrupted.
        if hasUIDs {
            try store.waitUntilRecordsAreDurable()
        }
        if doomed.isEmpty {
            // Nothing for the server to commit: QUIT's answer changes nothing.
            session.quitWithoutWaiting()
        } else {
            try deleteAndQuit(doomed)
        }
        observer?.messagesDeleted(count: doomed.count)
        if observer != nil {
            for index in doomed { report(index, .deleted) }
            let deleted = Set(doomed)
            for index in handled.lazy.map(Int.init) where !deleted.contains(index) { report(index, .kept) }
        }
        for index in doomed { records[index].isOld = false }
        replaceStoredList(in: store)
        try store.save()
        store.close()
        phase = .finished
        session.close()
    }
}
