#if canImport(Glibc)
import Glibc
#endif
import CSupport
import POP3Core

/// mpop 1.4.18's command line, read with glibc's own `getopt_long`, so that
/// argument permutation, `--`, unambiguous prefixes and getopt's messages
/// (`unrecognized option`, `is ambiguous; possibilities: ...`) are exactly
/// those of the C program. The table is ``CommandLineOption/table``.
enum CommandLineParser {
    /// Parses `arguments` (with the program name first).
    /// - Parameter home: the directory a leading `~` stands for in file options.
    /// - Throws: ``CommandLineError`` for the first bad option, as mpop stops there.
    static func parse(_ arguments: [String], home: String) throws(CommandLineError) -> Invocation {
        let options = CommandLineOption.table
        // getopt permutes this array in place, so it must be mutable storage.
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let originals = argv
        let names = options.map { strdup($0.name) }
        defer {
            originals.forEach { free($0) }
            names.forEach { free($0) }
        }
        var table = options.indices.map { index in
            option(name: names[index], has_arg: options[index].hasArgument, flag: nil, val: value(of: index, in: options))
        }
        table.append(option(name: nil, has_arg: 0, flag: nil, val: 0))
        let shortOptions = options.compactMap { option in
            option.shortOption.map { String($0) + String(repeating: ":", count: Int(option.hasArgument)) }
        }.joined()

        var invocation = Invocation(home: home)
        csupport_getopt_reset()
        while true {
            let c = argv.withUnsafeMutableBufferPointer { buffer in
                csupport_getopt_long(Int32(arguments.count), buffer.baseAddress, shortOptions, table, nil)
            }
            if c == -1 { break }
            guard let index = options.indices.first(where: { value(of: $0, in: options) == c }) else {
                throw .reportedByGetopt
            }
            let argument = csupport_optarg().map { String(cString: $0) }
            try apply(options[index], argument, to: &invocation, home: home)
        }
        let first = Int(csupport_optind())
        if first < arguments.count {
            // getopt has permuted argv: the operands are now at its end.
            invocation.accountNames = (first..<arguments.count).map { String(cString: argv[$0]!) }
        }
        return invocation
    }

    /// The value getopt returns for `options[index]`: its short option where
    /// there is one, so that `-k` and `--keep` are one case, else past 255.
    private static func value(of index: Int, in options: [CommandLineOption]) -> Int32 {
        if let short = options[index].shortOption?.asciiValue { return Int32(short) }
        return 256 + Int32(index)
    }

    private static func apply(_ option: CommandLineOption, _ argument: String?, to invocation: inout Invocation,
                              home: String) throws(CommandLineError) {
        switch option {
        case .program(let program):
            try program.apply(argument, to: &invocation)
        case .setting(let setting):
            do throws(SettingArgument.Problem) {
                try invocation.overrides.set(setting, SettingArgument(text: argument, source: .commandLine, home: home))
            } catch {
                // Every refused value is worded alike here; a missing one is getopt's to report.
                throw .invalidArgument(value: argument ?? "", option: "--" + option.name)
            }
        }
    }
}
