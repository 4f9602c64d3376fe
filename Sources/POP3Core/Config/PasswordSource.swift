/// Where the password for an account comes from when the chosen
/// authentication method needs one (mpop's `mpop_password_callback` and
/// `password.c:password_get`), in this order:
///
/// 1. `password`, or the output of `passwordeval` (both already in the
///    account after ``AccountCheck``);
/// 2. the key ring, through `secret-tool lookup host H service pop3 user U`
///    when `secret-tool` is installed;
/// 3. `~/.netrc`, then `/etc/netrc`: `machine` equal to the host, `login`
///    equal to the user or absent; `default` never matches;
/// 4. the ``PasswordPrompter``, with `password for USER at HOST: ` (mpop's
///    asks on `/dev/tty`, without echo).
///
/// Unlike mpop, which falls back to `getpass` on stdin and may send an empty
/// password, a missing terminal is an error here.
public struct PasswordSource: Sendable {
    /// `secret-tool`, or `nil` to skip the key ring.
    public var secretToolPath: String?
    /// The netrc files, in the order they are searched.
    public var netrcFiles: [String]
    /// Asks the user.
    public var prompter: any PasswordPrompter

    public init(secretToolPath: String?, netrcFiles: [String], prompter: any PasswordPrompter) {
        self.secretToolPath = secretToolPath
        self.netrcFiles = netrcFiles
        self.prompter = prompter
    }

    /// mpop's sources: `secret-tool` on `$PATH`, `$HOME/.netrc` and
    /// `/etc/netrc`, then `prompter`.
    public init(environment: Environment, prompter: any PasswordPrompter) {
        self.init(secretToolPath: SecretTool.path(environment),
                  netrcFiles: [ConfigLocation.joined(ConfigLocation.homeDirectory(environment), ".netrc"),
                               "/etc/netrc"],
                  prompter: prompter)
    }

    /// The password for `account`.
    /// - Throws: ``PasswordError/noTerminal(account:)`` when every source
    ///   came up empty and there is no terminal to ask on.
    public func obtain(for account: Account) throws(PasswordError) -> Secret {
        if let password = withoutAsking(for: account) {
            return password
        }
        if let answer = ask(for: account) {
            return answer
        }
        throw .noTerminal(account: account.name ?? account.host ?? "")
    }

    /// The password from every source but the prompter (1 to 3 above), or
    /// `nil` when ``obtain(for:)`` would ask.
    public func withoutAsking(for account: Account) -> Secret? {
        if let password = account.password {
            return password
        }
        let host = account.host ?? ""
        let user = account.user ?? ""
        if let secretToolPath, account.user != nil,
           let password = keyRing(secretToolPath, host: host, user: user) {
            return Secret(password)
        }
        if account.user != nil {
            for path in netrcFiles {
                if let password = NetrcFile(path: path)?.password(host: host, user: user) {
                    return Secret(password)
                }
            }
        }
        return nil
    }

    /// The prompter's answer for `account` (source 4), or `nil` without a terminal.
    public func ask(for account: Account) -> Secret? {
        prompter.password(prompt: "password for \(account.user ?? "") at \(account.host ?? ""): ").map { Secret($0) }
    }

    /// Whether authenticating `account` will want a password: the method
    /// is chosen on the server's offer (`auth` unset or `on`) or needs one
    /// (all but `external` and `gssapi`), and `password` (or
    /// `passwordeval`) gave none.
    public static func wantsPassword(_ account: Account) -> Bool {
        account.password == nil && account.auth != "EXTERNAL" && account.auth != "GSSAPI"
    }

    /// The secret `secret-tool` finds, or `nil` (not found, no D-Bus, or no
    /// answer within 30 seconds). Its complaints are not shown: a missing
    /// key ring is normal.
    func keyRing(_ tool: String, host: String, user: String) -> String? {
        let result = SpawnedProgram.run(tool, ["lookup", "host", host, "service", "pop3", "user", user],
                                        timeoutSeconds: 30)
        guard let result, result.status == 0, !result.output.isEmpty else { return nil }
        return String(decoding: result.output, as: UTF8.self)
    }
}

/// No password could be found.
public enum PasswordError: ReportableError, Equatable {
    /// Nothing configured, nothing in the key ring or netrc, and no terminal.
    case noTerminal(account: String)

    public var explanation: String {
        switch self {
        case .noTerminal(let account):
            return "no password for account \(account) and no terminal to ask for one; use passwordeval or a key ring"
        }
    }

    public var exitStatus: ExitStatus { .config }
}
