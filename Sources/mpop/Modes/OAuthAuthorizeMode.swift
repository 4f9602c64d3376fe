import OAuth2
import POP3Core

/// `--oauth2-authorize[=browser|device]` (ours): for each selected account,
/// obtains the first OAuth 2.0 tokens with the chosen flow and stores them,
/// so that later runs refresh by themselves. The URL or code to act on goes
/// to stdout; errors as mpop prints them.
struct OAuthAuthorizeMode {
    let invocation: Invocation
    let environment: Environment
    let flow: Invocation.OAuth2Flow

    func run(_ accounts: [Account]) -> ExitStatus {
        var failures: [ExitStatus] = []
        for account in accounts {
            do {
                try authorize(account)
            } catch {
                Console.report(error)
                failures.append(exitStatus(for: error))
            }
        }
        return ModeRunner.combined(failures)
    }

    private func authorize(_ account: Account) throws {
        let name = account.name ?? account.host ?? ""
        guard account.oauth2.isConfigured else {
            throw MessageError("account \(name) has no OAuth 2.0 settings (oauth2_provider, oauth2_client_id)",
                               exitStatus: .config)
        }
        let client = try OAuth2Client(account: account)
        let endpoint = TokenEndpoint(client: client, http: CurlHTTPClient(trust: HTTPTrust(account: account)))
        let store = TokenStore(account: account, secretToolPath: SecretTool.path(environment))
        let authorizer = Authorizer(accountName: name, endpoint: endpoint, store: store,
                                    say: { Console.out($0 + "\n") })
        let place = flow == .browser ? try authorizer.browserFlow() : try authorizer.deviceFlow()
        switch place {
        case .keyRing:
            Console.out("Account \(name) is authorized; its refresh token is in the key ring.\n")
        case .file(let path):
            Console.out("Account \(name) is authorized; its refresh token is in \(path).\n")
        }
    }
}
