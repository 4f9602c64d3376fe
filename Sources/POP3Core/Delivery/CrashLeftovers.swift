#if canImport(Glibc)
import Glibc
#endif

/// What deliveries left on disk when a crash of the machine took their
/// journal records before they were durable (see ``UIDLsJournalReplay``):
/// the next run does not count those records and fetches the messages
/// again, so whatever reached the disk of them would be a second copy, or
/// a torn one (a crash keeps any subset of the pages not yet synced).
///
/// It goes before they are fetched again, only for the messages that will
/// be: still on the server and not counted as seen (the caller decides);
/// that server copy is what makes it safe. Since mpop deletes nothing on
/// the server before the journal's markers are on disk, that is every
/// message whose record a crash took, unless a full disk stopped the
/// journal (then the deleted ones keep their copy, whole: they were
/// synced before the `DELE`).
enum CrashLeftovers {
    /// Removes what `records` (in journal order) delivered for the
    /// messages `fetchedAgain` names by UID: the maildir file `new/NAME` a
    /// pending record names (and, for every pending record, `tmp/NAME`,
    /// where the file waited for its batch's sync), and the mbox from the start of the first such
    /// message on, when everything from there to the end is provably
    /// theirs (``MboxRepair/cutUnrecorded(_:lockTimeout:)``). A file a
    /// mail reader has moved to `cur/` stays. Returns warnings for what
    /// could not be removed. Where a batch of appends to an mbox began
    /// (``MboxBatch``), and every message of the batch will be fetched
    /// again, the mbox is cut back to there if nobody changed it since the
    /// machine booted at `bootTime`
    /// (``MboxRepair/cutCrashedBatch(_:bootTime:lockTimeout:cancellation:)``);
    /// otherwise the append records decide.
    static func remove(_ records: [UIDLsJournalRecord], bootTime: Int?,
                       fetchedAgain: ([UInt8]) -> Bool) -> [String] {
        var warnings: [String] = []
        // Each mbox's messages, in order, with their appends.
        var mboxes: [(path: String, messages: [(uid: [UInt8], intents: [AppendIntent])])] = []
        var batches: [String: (uid: [UInt8], batch: MboxBatch)] = [:]
        for record in records {
            if let batch = record.batch {
                batches[batch.path] = (record.uid, batch)
            } else if let intent = record.intent {
                let index = mboxes.firstIndex { $0.path == intent.path } ?? {
                    mboxes.append((intent.path, []))
                    return mboxes.count - 1
                }()
                if let last = mboxes[index].messages.last, last.uid == record.uid,
                   last.intents.first?.messageStart == intent.messageStart {
                    mboxes[index].messages[mboxes[index].messages.count - 1].intents.append(intent)
                } else {
                    mboxes[index].messages.append((record.uid, [intent]))
                }
            } else if let proof = record.proof, let working = proof.maildirWorkingPath {
                // Never delivered: it waited in tmp/ for its batch's sync.
                removeFile(working)
                if fetchedAgain(record.uid) {
                    removeFile(proof.path)
                }
            }
        }
        for (path, start) in batches {
            // Every message of the batch will be fetched again (those whose
            // records the crash took too: no DELE went out for them).
            let messages = mboxes.first { $0.path == path }?.messages ?? []
            guard fetchedAgain(start.uid), messages.allSatisfy({ fetchedAgain($0.uid) }) else { continue }
            do {
                if try MboxRepair.cutCrashedBatch(start.batch, bootTime: bootTime) != nil {
                    mboxes.removeAll { $0.path == path }
                }
            } catch {
                warnings.append("\(path): cannot remove what a delivery that a crash interrupted left: "
                                + "\(error.explanation)")
                mboxes.removeAll { $0.path == path }
            }
        }
        for mbox in mboxes {
            // The messages from the first on after which all are fetched again.
            let kept = mbox.messages.lastIndex { !fetchedAgain($0.uid) }.map { $0 + 1 } ?? 0
            let intents = mbox.messages[kept...].flatMap(\.intents)
            guard let first = intents.first else { continue }
            do {
                if case .leftInPlace(let offset, let bytes) = try MboxRepair.cutUnrecorded(intents) {
                    warnings.append("\(mbox.path): a delivery that a crash interrupted left \(bytes) bytes at offset "
                                    + "\(offset), followed by data that is not ours; left in place")
                }
            } catch {
                warnings.append("\(first.path): cannot remove what a delivery that a crash interrupted left: "
                                + "\(error.explanation)")
            }
        }
        return warnings
    }

    /// Removes `path` if it is a regular file.
    private static func removeFile(_ path: String) {
        var info = stat()
        if lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
            unlink(path)
        }
    }
}
