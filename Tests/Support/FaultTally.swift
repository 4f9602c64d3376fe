import Foundation

/// What the fault library counted in one run (``FaultInjection/tallyFile``):
/// the candidate calls it saw and the failures it injected.
public struct FaultTally: Sendable, Equatable {
    public var candidates: Int
    public var injected: Int

    public init(candidates: Int, injected: Int) {
        self.candidates = candidates
        self.injected = injected
    }

    /// Reads a tally file; a run that met no candidate left none, which
    /// counts as zero of each.
    public static func read(_ path: String) -> FaultTally {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        return fields.count == 2 ? FaultTally(candidates: fields[0], injected: fields[1])
            : FaultTally(candidates: 0, injected: 0)
    }
}
