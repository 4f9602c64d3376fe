/// The standard output and error of a run that serves several accounts at
/// once, so that they read as a run of one account after another would:
/// each account's lines together, the accounts in configured order.
///
/// The first account in order that has not finished is *live*: what it
/// writes goes out at once. Every other account's writes are kept, stdout
/// and stderr in the order they were made, until its turn: when the live
/// account finishes, the next one's kept output goes out, and it is live
/// from then on (or, if it has finished too, the one after it, and so on).
///
/// Writes are made while holding the lock, so that a write that goes out
/// and a turn that passes never overtake each other; a stream that blocks
/// (a full pipe) holds up every account's output, as it would hold up a
/// sequential run.
final class OrderedOutput: Sendable {
    private struct Chunk {
        var fd: Int32
        var bytes: [UInt8]
    }

    private struct State {
        /// The live account; `count` once all have finished.
        var live = 0
        var finished: [Bool]
        var kept: [[Chunk]]
    }

    private let state: Locked<State>
    private let writeOut: @Sendable (UnsafeRawBufferPointer, Int32) -> Void

    /// Output for `count` accounts, written with `writeOut` (the standard
    /// streams unless a test says otherwise).
    init(count: Int,
         writeOut: @escaping @Sendable (UnsafeRawBufferPointer, Int32) -> Void = { Console.writeAll($0, to: $1) }) {
        state = Locked(State(finished: Array(repeating: false, count: count),
                            kept: Array(repeating: [], count: count)))
        self.writeOut = writeOut
    }

    /// The console of the account at `index` in configured order.
    func console(for index: Int) -> AccountConsole {
        AccountConsole { [self] bytes, fd in write(bytes, to: fd, account: index) }
    }

    /// Whether the account at `index` writes straight to the streams now.
    func isLive(_ index: Int) -> Bool {
        state.withLock { $0.live == index }
    }

    /// Writes `bytes` for the account at `index` to `fd` (1 or 2), or keeps
    /// them until its turn.
    func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32, account index: Int) {
        guard !bytes.isEmpty else { return }
        state.withLock { state in
            if state.live == index {
                writeOut(bytes, fd)
            } else if let last = state.kept[index].last, last.fd == fd {
                state.kept[index][state.kept[index].count - 1].bytes.append(contentsOf: bytes)
            } else {
                state.kept[index].append(Chunk(fd: fd, bytes: Array(bytes)))
            }
        }
    }

    /// The account at `index` will write nothing more: when it was live,
    /// the turn passes on, with the kept output of the accounts whose turn
    /// comes written out.
    func finish(_ index: Int) {
        state.withLock { state in
            state.finished[index] = true
            while state.live < state.finished.count {
                let live = state.live
                for chunk in state.kept[live] {
                    chunk.bytes.withUnsafeBytes { writeOut($0, chunk.fd) }
                }
                state.kept[live] = []
                guard state.finished[live] else { return }
                state.live += 1
            }
        }
    }
}
