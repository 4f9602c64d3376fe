import POP3Core

/// One entry of the getopt_long table: an option of the program, or the
/// long option of a setting.
enum CommandLineOption: Sendable, Equatable {
    case program(ProgramOption)
    case setting(Setting)

    /// mpop 1.4.18's table in its order (`mpop.c`), which fixes the order
    /// of the candidates in glibc's "ambiguous" message.
    private static let mpopTable: [CommandLineOption] = [
        .program(.version), .program(.help), .program(.configure), .program(.quiet), .program(.halfQuiet),
        .program(.pretend), .program(.debug), .program(.serverInfo), .program(.file), .program(.authOnly),
        .program(.allAccounts), .program(.statusOnly),
        .setting(.delivery), .setting(.uidlsFile), .setting(.onlyNew), .setting(.keep), .setting(.killSize),
        .setting(.skipSize), .setting(.filter), .setting(.host), .setting(.port), .setting(.timeout),
        .setting(.pipelining), .setting(.receivedHeader), .setting(.auth), .setting(.user),
        .setting(.passwordEval), .setting(.proxyHost), .setting(.proxyPort), .setting(.sourceIP),
        .setting(.socket), .setting(.tls), .setting(.tlsStartTLS), .setting(.tlsTrustFile),
        .setting(.tlsCRLFile), .setting(.tlsFingerprint), .setting(.tlsKeyFile), .setting(.tlsCertFile),
        .setting(.tlsCertCheck), .setting(.tlsForceSSLv3), .setting(.tlsMinDHPrimeBits),
        .setting(.tlsPriorities), .setting(.tlsHostOverride),
    ]

    /// The table: mpop's entries, then the options mpop does not have
    /// (`--summary`, then any setting's that is not in mpop's table), so
    /// that a prefix that was ambiguous lists mpop's candidates in the same
    /// order, followed by ours.
    static let table: [CommandLineOption] = {
        let all = ProgramOption.allCases.map(program)
            + Setting.allCases.filter { $0.definition.optionArgument != nil }.map(setting)
        return mpopTable + all.filter { !mpopTable.contains($0) }
    }()

    /// The long option's name, without `--`.
    var name: String {
        switch self {
        case .program(let option):
            return option.name
        case .setting(let setting):
            guard let name = setting.definition.longOption else {
                preconditionFailure("\(setting) has no long option")
            }
            return name
        }
    }

    /// getopt's `has_arg`: 0 none, 1 required, 2 optional (`getopt.h`).
    var hasArgument: Int32 {
        switch self {
        case .program(let option):
            return option.takesArgument ? 1 : (option.takesOptionalArgument ? 2 : 0)
        case .setting(let setting):
            return setting.definition.optionArgument == .optionalArgument ? 2 : 1
        }
    }

    /// The short option that means the same.
    var shortOption: Character? {
        switch self {
        case .program(let option): option.shortOption
        case .setting(let setting): setting.definition.shortOption
        }
    }
}
