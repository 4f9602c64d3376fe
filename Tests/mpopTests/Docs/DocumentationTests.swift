import Foundation
import POP3Core
import Testing
import TestSupport

/// The shipped documentation and installation files: the man page, the
/// example configuration, the shell completions and the systemd units.
@Suite struct DocumentationTests {
    /// The package root, found from this file's place in `Tests/mpopTests/Docs/`.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func path(_ relative: String) -> String {
        root + "/" + relative
    }

    static func contents(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The long options `--help` prints, read from the help text's source.
    static func longOptionsOfHelp() throws -> [String] {
        let help = try contents("Sources/mpop/Output/HelpText.swift")
        let regex = try NSRegularExpression(pattern: #"--[a-z][a-z0-9-]*"#)
        let range = NSRange(help.startIndex..., in: help)
        var seen: [String] = []
        for match in regex.matches(in: help, range: range) {
            let option = String(help[Range(match.range, in: help)!])
            if !seen.contains(option) { seen.append(option) }
        }
        return seen
    }

    @Test func everyLongOptionOfTheHelpIsInTheManPage() throws {
        let options = try Self.longOptionsOfHelp()
        #expect(options.count >= 40, "parsed \(options)")
        let manual = try Self.contents("Docs/mpop.1")
        for option in options {
            // man(7) source spells a hyphen in an option as \-.
            let escaped = option.replacingOccurrences(of: "-", with: "\\-")
            #expect(manual.contains(escaped), "\(option) is not described in Docs/mpop.1")
        }
    }

    /// The configuration commands the parser knows, from the settings
    /// table, plus the three it handles before the per-account ones.
    static func configurationCommands() throws -> [String] {
        ["defaults", "account", "eval"] + Setting.allCases.map(\.definition.command)
    }

    @Test func everyConfigurationCommandHasAnEntryInTheManPage() throws {
        let commands = try Self.configurationCommands()
        #expect(commands.count >= 36, "parsed \(commands)")
        let manual = try Self.contents("Docs/mpop.1")
        for command in commands {
            // An entry: a tag (.TP, or .TQ for a second tag) starting with the command in bold.
            let name = NSRegularExpression.escapedPattern(for: command)
            let entry = try NSRegularExpression(pattern: #"^\.T[PQ]\n\.B[IR]? "# + name + #"( |$)"#, options: .anchorsMatchLines)
            #expect(entry.firstMatch(in: manual, range: NSRange(manual.startIndex..., in: manual)) != nil,
                    "configuration command \(command) has no entry in Docs/mpop.1")
        }
    }

    @Test func manPageRendersWithoutWarnings() throws {
        try Prerequisites.require("/usr/bin/groff", package: "groff-base")
        let check = try ProgramRunner.run("/usr/bin/groff", ["-man", "-ww", "-z", Self.path("Docs/mpop.1")],
                                          environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
        #expect(check.status == 0, "\(check)")
        #expect(check.stderr == "", "\(check)")

        let text = try ProgramRunner.run("/usr/bin/groff", ["-man", "-Tascii", "-P-c", "-P-b", "-P-u",
                                                            Self.path("Docs/mpop.1")],
                                         environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
        #expect(text.status == 0)
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "CONFIGURATION FILE", "AUTHENTICATION",
                        "TLS", "DELIVERY", "UIDLS FILE", "RUN SUMMARY", "EXIT STATUS", "FILES", "ENVIRONMENT", "EXAMPLES",
                        "COMPATIBILITY", "SEE ALSO"] {
            #expect(text.stdout.contains("\n" + section + "\n"), "section \(section) missing")
        }
        for status in [64, 65, 66, 68, 69, 70, 71, 74, 75, 76, 77, 78] {
            #expect(text.stdout.contains("\(status) (EX_"), "exit status \(status) not explained")
        }
    }

    /// Runs `binary -P -a -C <copy of Docs/mpoprc.example>` with a private HOME.
    static func pretendWithExample(_ binary: MpopBinary) throws -> RunResult {
        let home = try TemporaryDirectory()
        let copy = try home.write("mpoprc.example", try contents("Docs/mpoprc.example"))
        return try binary.run(["-P", "-a", "-C", copy], home: home.path)
    }

    @Test func referenceMpopAcceptsTheExampleConfiguration() throws {
        let result = try Self.pretendWithExample(.reference)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "", "\(result)")
        for account in ["work", "work-lists", "home"] {
            #expect(result.stdout.contains("using account \(account) from "), "\(result)")
        }
        // The example shows inheritance from defaults and from another account.
        #expect(result.stdout.contains("delivery = mda /usr/bin/procmail -f '%F'"))
        #expect(result.stdout.contains("user = jdoe-lists"))
    }

    @Test
    func ourMpopAcceptsTheExampleConfigurationAsTheReferenceDoes() throws {
        let ours = try Self.pretendWithExample(.ours)
        let theirs = try Self.pretendWithExample(.reference)
        #expect(ours.status == 0, "\(ours)")
        // The temporary HOME differs between the runs; compare without it.
        let strip = { (text: String) in
            text.split(separator: "\n").map { line -> String in
                line.hasPrefix("using account") ? String(line.prefix { $0 != "/" })
                    : line.replacingOccurrences(of: #"/[^ ]*/mpop-test\.[^/ ]*"#, with: "HOME",
                                                options: .regularExpression)
            }
        }
        #expect(strip(ours.stdout) == strip(theirs.stdout))
    }

    /// Sources the bash completion and completes `words`, the last being the
    /// word under the cursor; returns the candidates, one a line.
    static func bashComplete(_ words: [String], home: String) throws -> [String] {
        try Prerequisites.require("/bin/bash", package: "bash")
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = """
            source "$1" || exit 99
            COMP_WORDS=(\(quoted))
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _mpop mpop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try ProgramRunner.run("/bin/bash", ["-c", script, "bash", path("completions/mpop.bash")],
                                           environment: ["PATH": "/usr/bin:/bin", "HOME": home, "LC_ALL": "C"])
        #expect(result.status == 0, "\(result)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesLongOptions() throws {
        let home = try TemporaryDirectory()
        #expect(try Self.bashComplete(["mpop", "--ke"], home: home.path) == ["--keep"])
        #expect(try Self.bashComplete(["mpop", "--tls-st"], home: home.path) == ["--tls-starttls"])
        #expect(try Self.bashComplete(["mpop", "--auth", "=", "scram"], home: home.path)
                == ["scram-sha-1", "scram-sha-256"])
        #expect(try Self.bashComplete(["mpop", "--keep", "=", ""], home: home.path) == ["on", "off"])
        #expect(try Self.bashComplete(["mpop", "--delivery", "=", "ma"], home: home.path) == ["maildir,"])
        #expect(try Self.bashComplete(["mpop", "--summ"], home: home.path) == ["--summary="])
        #expect(try Self.bashComplete(["mpop", "--summary", "=", ""], home: home.path).sorted() == ["json", "off"])
        #expect(try Self.bashComplete(["mpop", "--summary=j"], home: home.path) == ["--summary=json"])
        #expect(try Self.bashComplete(["mpop", "--sysl"], home: home.path) == ["--syslog"])
        #expect(try Self.bashComplete(["mpop", "--syslog", "=", "LOG_M"], home: home.path) == ["LOG_MAIL"])
        #expect(try Self.bashComplete(["mpop", "--logfile-"], home: home.path) == ["--logfile-time-format="])
    }

    @Test func completionsOfferEveryLongOptionOfTheHelp() throws {
        let bash = try Self.contents("completions/mpop.bash")
        let zsh = try Self.contents("completions/_mpop")
        for option in try Self.longOptionsOfHelp() {
            let words = bash.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "'" }).map(String.init)
            #expect(words.contains(option) || words.contains(option + "="), "\(option) missing in mpop.bash")
            // An _arguments spec: '--keep=...', "--auth=...", '(...)--only-new=...', {-q,--quiet}.
            let spec = try NSRegularExpression(pattern: #"['"),]"# + option + #"[\[=}]"#)
            #expect(spec.firstMatch(in: zsh, range: NSRange(zsh.startIndex..., in: zsh)) != nil,
                    "\(option) missing in _mpop")
        }
    }

    @Test func bashCompletesAccountNamesFromTheGivenFile() throws {
        let home = try TemporaryDirectory()
        try home.write(".mpoprc", "account fromhome\nhost h\n")
        let file = try home.write("other.rc", """
            defaults
            tls on
            account alpha
            host a.example
              account\tbeta : alpha
            account gamma:alpha,beta
            # account commented
            """)
        #expect(try Self.bashComplete(["mpop", "-C", file, ""], home: home.path) == ["alpha", "beta", "gamma"])
        #expect(try Self.bashComplete(["mpop", "--file=" + file, "-Q", "g"], home: home.path) == ["gamma"])
        #expect(try Self.bashComplete(["mpop", "-q", ""], home: home.path) == ["fromhome"])
    }

    @Test func bashCompletesAccountsFromTheXDGFileWhenThereIsNoMpoprc() throws {
        let home = try TemporaryDirectory()
        try home.write(".config/mpop/config", "account xdg\nhost h\n")
        #expect(try Self.bashComplete(["mpop", ""], home: home.path) == ["xdg"])
    }

    @Test func systemdUnitsRetryOnlyOnTemporaryFailure() throws {
        let service = try Self.contents("Docs/systemd/mpop@.service")
        let timer = try Self.contents("Docs/systemd/mpop@.timer")
        let keys = { (unit: String) in
            Set(unit.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }.map(String.init))
        }
        let serviceKeys = keys(service)
        #expect(serviceKeys.contains("Type=oneshot"))
        #expect(serviceKeys.contains("ExecStart=mpop -Q %i"))
        #expect(serviceKeys.contains("Restart=on-failure"))
        // Every code mpop can exit with but 75 prevents the restart.
        let prevent = serviceKeys.first { $0.hasPrefix("RestartPreventExitStatus=") }
        let codes = Set(prevent?.dropFirst("RestartPreventExitStatus=".count).split(separator: " ")
            .compactMap { Int($0) } ?? [])
        #expect(codes == [64, 65, 66, 68, 69, 70, 71, 74, 76, 77, 78])
        // systemd 252 refuses these for Type=oneshot.
        #expect(!service.contains("\nRestartForceExitStatus="))
        #expect(!service.contains("\nRestart=always"))

        let timerKeys = keys(timer)
        #expect(timerKeys.contains("OnCalendar=*:0/5"))
        #expect(timerKeys.contains { $0.hasPrefix("RandomizedDelaySec=") })
        #expect(timerKeys.contains("WantedBy=timers.target"))
    }

    @Test func systemdAcceptsTheUnits() throws {
        let analyze = "/usr/bin/systemd-analyze"
        try Prerequisites.require(analyze, package: "systemd")
        // `ExecStart=mpop` must resolve in systemd's own search path, not
        // $PATH: the Debian mpop, there for the differential tests, stands in.
        try Prerequisites.requireReferenceMpop()
        let scratch = try TemporaryDirectory()
        let runtime = try scratch.makeDirectory("run")
        for unit in ["mpop@.service", "mpop@.timer"] {
            try scratch.write(unit, try Self.contents("Docs/systemd/" + unit), mode: 0o644)
        }
        // --man=no: `Documentation=man:mpop(1)` would need man-db and an
        // installed page; the page itself is checked above, with groff.
        let result = try ProgramRunner.run(analyze, ["verify", "--man=no", "--user",
                                                     "./mpop@work.service", "./mpop@work.timer"],
                                           environment: ["PATH": "/usr/local/bin:/usr/bin:/bin",
                                                         "HOME": scratch.path, "XDG_RUNTIME_DIR": runtime],
                                           workingDirectory: scratch.path)
        // It needs no running systemd (it works in a container), but it
        // must be able to set up a user manager of its own.
        if result.stderr.contains("Failed to initialize manager") || result.stderr.contains("Failed to connect") {
            Issue.record("systemd-analyze cannot set up a user manager here, so the units were not verified: \(result)")
            return
        }
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "", "\(result)")
    }
}
