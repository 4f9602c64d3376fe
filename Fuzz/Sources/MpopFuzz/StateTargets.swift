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

    /// Oracles: every intact record decodes to itself, whatever surrounds
    /// it; replay never counts a record that is not in the file, and counts
    /// every one of them once a durability marker ends the file.
    static func journal(_ input: [UInt8]) {
        let all = UIDLsJournalRecord.decodeAll(input)
        let replayed = UIDLsJournalReplay.replay(input, currentBootID: "boot")
        if !replayed.records.allSatisfy(all.contains) { violated("replay invented a record") }
        let marked = input + Array("\n@durable\n".utf8)
        if UIDLsJournalReplay.replay(marked, currentBootID: nil).records != UIDLsJournalRecord.decodeAll(marked) {
            violated("a marker at the end did not make every record count")
        }
        let (seed, body) = input.seedAndBody
        let record = UIDLsJournalRecord(host: "pop.example.org", user: "u\(seed)", uid: body)
        let decoded = UIDLsJournalRecord.decodeAll(UIDLsJournalRecord.header + record.encoded)
        if decoded != [record] { violated("a journal record did not survive encoding") }
    }
}
