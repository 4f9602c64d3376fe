import POP3Core

/// The registry of targets.
enum FuzzTargets {
    static let all: [FuzzTarget] = ReplyTargets.all + StateTargets.all + [
        FuzzTarget(name: "session", run: SessionTarget.run),
        FuzzTarget(name: "sasl", run: SASLTarget.run),
    ]
}
