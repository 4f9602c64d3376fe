import Foundation
import Testing
import TestSupport

/// What one run of one side left behind, in a form that can be compared
/// between ours and the reference: the status, the output with the user
/// name and home blanked, the delivered messages (normalised) and what is
/// left on the server.
struct RuleOutcome: Equatable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var delivered: [String]
    var leftOnServer: [Data]

    init(_ result: RunResult, side: SideBySide.Side) {
        status = result.status
        // Progress percentages and backspaces are the reference's on a
        // non-terminal (ProgressOutputTests); the lines are compared.
        stdout = Self.blank(result.stdout, side).replacingOccurrences(
            of: #"(  0%|[ 0-9]{3})?\x08+"#, with: "", options: .regularExpression)
        // Ours passes on the server's words after a failed SASL exchange,
        // which mpop 1.4.18 drops (Docs/Compatibility.md).
        stderr = Self.blank(result.stderr, side).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("mpop: POP3 server message: -ERR [AUTH]") }.joined(separator: "\n")
        delivered = side.deliveredMessages
        leftOnServer = side.mailbox.messages
    }

    static func blank(_ text: String, _ side: SideBySide.Side) -> String {
        text.replacingOccurrences(of: side.home.path, with: "HOME")
            .replacingOccurrences(of: "\(side.user) at ", with: "USER at ")
    }

    var description: String {
        "exit \(status), \(delivered.count) delivered, \(leftOnServer.count) left on the server\n"
            + "--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

extension SideBySide {
    /// Runs `arguments` on both sides `times` times and returns the outcomes
    /// after each run, ours first.
    func runBoth(_ arguments: [String], times: Int = 1) throws -> [(ours: RuleOutcome, theirs: RuleOutcome)] {
        var outcomes: [(RuleOutcome, RuleOutcome)] = []
        for _ in 0..<times {
            let ours = RuleOutcome(try self.ours.run(arguments), side: self.ours)
            let theirs = RuleOutcome(try self.theirs.run(arguments), side: self.theirs)
            outcomes.append((ours, theirs))
        }
        return outcomes
    }

    /// The size dovecot's LIST gives for a message stored with LF line endings.
    static func listSize(_ message: Data) -> Int {
        message.count + message.filter { $0 == 10 }.count
    }
}
