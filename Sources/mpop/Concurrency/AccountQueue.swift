import POP3Core

/// The accounts of a run that serves several at once, handed out to the
/// workers in configured order, with one rule: two accounts that share
/// something (``ConflictKeys``: the UIDLs file, the server login)
/// never run at the same time, and run in configured order, as they would
/// one after another.
///
/// An account is handed out when none of its keys belongs to a running
/// account nor to an earlier account still waiting; so an account never
/// overtakes an earlier one it shares something with, and the accounts that
/// share nothing run side by side.
///
/// The first account is handed out even when the run was stopped before
/// it started, so that the run shows it was stopped as a run one after
/// another does: in its first account (which fails at once with
/// `operation aborted`).
final class AccountQueue: Sendable {
    private let monitor = Monitor()
    private let keys: [Set<String>]
    /// Guarded by `monitor`: accounts not handed out yet, in order, and the
    /// keys of the running ones.
    nonisolated(unsafe) private var waiting: [Int]
    nonisolated(unsafe) private var busy: [String: Int] = [:]
    nonisolated(unsafe) private var handedOut = 0

    /// A queue of accounts `0..<keys.count`, the account at index `i`
    /// holding `keys[i]`.
    init(keys: [Set<String>]) {
        self.keys = keys
        waiting = Array(keys.indices)
    }

    /// The next account to serve, waiting while every waiting account is
    /// held back by a running one; `nil` when none is left or `stop()`
    /// says to start no more (after the first).
    func next(stop: () -> Bool) -> Int? {
        monitor.withLock {
            while true {
                if waiting.isEmpty || (handedOut > 0 && stop()) { return nil }
                var blocked = Set(busy.keys)
                for (position, index) in waiting.enumerated() {
                    if keys[index].isDisjoint(with: blocked) {
                        waiting.remove(at: position)
                        handedOut += 1
                        for key in keys[index] { busy[key, default: 0] += 1 }
                        return index
                    }
                    blocked.formUnion(keys[index])
                }
                monitor.wait()
            }
        }
    }

    /// The account at `index` (handed out by ``next(stop:)``) has ended.
    func finished(_ index: Int) {
        monitor.withLock {
            for key in keys[index] {
                busy[key, default: 1] -= 1
                if busy[key] == 0 { busy[key] = nil }
            }
            monitor.broadcast()
        }
    }
}
