import POP3Core

/// From an ``Invocation`` to the checked accounts the mode works on, in
/// mpop 1.4.18's order (`mpop.c:main`).
enum AccountSelection {
    /// Reads the configuration file (or, with `--host`, uses the command
    /// line alone), selects the named accounts (`default` when none is
    /// named, all with `-a`), applies the overrides, then completes and
    /// checks each account in turn: `passwordeval`, defaults, consistency,
    /// `%U`/`%H`, and in retrieval mode without `-P` the UIDLs directory.
    /// `environment` says where the user's configuration file is.
    /// - Throws: ``CommandLineError`` or ``ConfigError``, the first problem.
    static func accounts(for invocation: Invocation, home: String, environment: Environment) throws -> [Account] {
        if invocation.hostMode && (!invocation.accountNames.isEmpty || invocation.allAccounts) {
            throw CommandLineError.hostWithAccounts
        }
        if invocation.allAccounts && !invocation.accountNames.isEmpty {
            throw CommandLineError.allAccountsWithAccounts
        }

        let selected: [AccountSettings]
        if invocation.hostMode {
            selected = [invocation.overrides]
        } else {
            let file = invocation.configurationFile ?? ConfigLocation.userConfigFile(environment)
            let all = try ConfigFile.load(file, home: home)
            selected = try select(from: all, invocation: invocation, file: file).map { account in
                var account = account
                account.override(with: invocation.overrides)
                return account
            }
        }

        let retrieval = invocation.mode == .retrieval
        var accounts: [Account] = []
        for settings in selected {
            let account = try AccountCheck.complete(settings, for: retrieval ? .retrieval : .serverInfo)
            if retrieval && !invocation.pretend {
                try UIDLsDirectory.create(for: account.uidlsFile)
            }
            accounts.append(account)
        }
        return accounts
    }

    private static func select(from all: [AccountSettings], invocation: Invocation,
                               file: String) throws(ConfigError) -> [AccountSettings] {
        if invocation.allAccounts {
            if all.isEmpty { throw .noAccounts(file: file) }
            return all
        }
        let names = invocation.accountNames.isEmpty ? ["default"] : invocation.accountNames
        return try names.map { name throws(ConfigError) in
            guard let account = all.first(where: { $0.name == name }) else {
                throw .noSuchAccount(file: file, name: name)
            }
            return account
        }
    }
}
