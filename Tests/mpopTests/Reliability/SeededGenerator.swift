import Foundation

/// A random number generator whose runs can be repeated: SplitMix64 from a
/// seed taken from `MPOP_TEST_SEED` when set, otherwise from the system.
/// Trials print their seed, so a failure can be replayed exactly.
struct SeededGenerator: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64? = nil) {
        var system = SystemRandomNumberGenerator()
        let chosen = seed
            ?? ProcessInfo.processInfo.environment["MPOP_TEST_SEED"].flatMap { UInt64($0) }
            ?? system.next()
        self.seed = chosen
        state = chosen
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
