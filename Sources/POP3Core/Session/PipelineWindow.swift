/// Runs a series of commands with mpop's pipelining window (§3.2): up to
/// ``maximum`` commands in flight; replies are read until ``minimum`` remain
/// unanswered (or none, when nothing is left to send), then the window is
/// refilled. Without pipelining the window is one command: lock-step.
public struct PipelineWindow: Sendable {
    public let maximum: Int
    public let minimum: Int

    /// mpop's PIPELINE_MAX and PIPELINE_MIN.
    public static let pipelined = PipelineWindow(maximum: 100, minimum: 20)
    public static let lockStep = PipelineWindow(maximum: 1, minimum: 0)

    public init(maximum: Int, minimum: Int) {
        precondition(maximum >= 1 && minimum >= 0 && minimum < maximum)
        self.maximum = maximum
        self.minimum = minimum
    }

    /// Sends `send(items[i...j])` in groups and calls `receive(item)` for each
    /// item in order; `afterBatch` runs whenever reading paused to refill,
    /// right after the refill was sent (or, at the end, after the last
    /// reply), so that the server works on the new commands meanwhile.
    public func run<Item>(_ items: [Item], send: ([Item]) throws -> Void, receive: (Item) throws -> Void,
                          afterBatch: () throws -> Void = {}) throws {
        var sent = 0
        var received = 0
        while received < items.count {
            let upTo = min(items.count, received + maximum)
            if upTo > sent {
                try send(Array(items[sent..<upTo]))
                sent = upTo
            }
            if received > 0 {
                try afterBatch()
            }
            let keep = sent < items.count ? minimum : 0
            while sent - received > keep {
                try receive(items[received])
                received += 1
            }
        }
        if received > 0 {
            try afterBatch()
        }
    }
}
