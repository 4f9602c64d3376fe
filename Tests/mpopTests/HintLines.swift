/// Our stderr without the `mpop: hint: ...` lines, which the reference
/// mpop does not print: what remains must equal the reference's stderr.
func withoutHints(_ stderr: String) -> String {
    stderr.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.hasPrefix("mpop: hint: ") }
        .joined(separator: "\n")
}
