import POP3Core

/// Local files that may be damaged: the configuration, the UIDLs file and
/// its journal.
enum StateTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "config", run: config),
        FuzzTarget(name: "uidls", run: uidls),
        FuzzTarget(name: "journal", run: journal),
    ]

    /// `eval` commands are answered without a shell.
    static func config(_ input: [UInt8]) {
        let parser = ConfigFileParser(file: "/fuzz/mpoprc", home: "/fuzz") { command throws(ShellCommand.Failure) in
            "answer to \(command.utf8.count)"
        }
        _ = try? parser.parse(input)
    }

    static func uidls(_ input: [UInt8]) {
        _ = try? UIDLsParser.parse(input, fileName: "/fuzz/uidls")
    }

    /// Oracle: every intact record decodes to itself, whatever surrounds it.
    static func journal(_ input: [UInt8]) {
        _ = UIDLsJournalRecord.decodeAll(input)
        let (seed, body) = input.seedAndBody
        let record = UIDLsJournalRecord(host: "pop.example.org", user: "u\(seed)", uid: body)
        let decoded = UIDLsJournalRecord.decodeAll(UIDLsJournalRecord.header + record.encoded)
        if decoded != [record] { violated("a journal record did not survive encoding") }
    }
}
