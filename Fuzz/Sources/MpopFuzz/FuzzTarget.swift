/// One parser under test: a name for `MPOP_FUZZ_TARGET` and a body that
/// must neither crash nor break its invariants on any input.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void
}
