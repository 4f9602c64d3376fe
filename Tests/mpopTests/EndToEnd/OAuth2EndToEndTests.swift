import Foundation
import Testing
import TestSupport

/// OAuth 2.0 end to end: our token service (Scripts/throwaway_token_service.py)
/// as the provider, dovecot's `oauth2` passdb asking it about each token,
/// and the binary authorizing once, then fetching and refreshing by itself.
@Suite struct OAuth2EndToEndTests {
    @Test func browserFlowThenFetchRefreshAndRotateWithoutLeakingATokenAnywhere() throws {
        let log = "fetch.log"
        let fixture = try OAuth2Fixture(extra: "logfile ~/\(log)")
        defer { fixture.stop() }
        _ = try fixture.mailbox.putMessages(sizes: [300, 500])

        let authorized = try fixture.authorizeInBrowser()
        #expect(authorized.status == 0, "\(authorized)")
        #expect(authorized.page.contains("authorization is complete"), "\(authorized.page)")
        #expect(authorized.stdout.contains("Account mail is authorized; its refresh token is in \(fixture.tokenFile)."))
        let mode = try FileManager.default.attributesOfItem(atPath: fixture.tokenFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let requests = try fixture.service.admin("stats")["requests"] as? [[String: Any]] ?? []
        let query = requests.first { $0["path"] as? String == "/authorize" }?["query"] as? [String] ?? []
        #expect(query == ["client_id", "code_challenge", "code_challenge_method", "redirect_uri", "response_type",
                          "scope", "state"])

        // The first fetch uses the access token from the authorization.
        let first = try fixture.run(["-d", "--summary=json", "mail"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("--> AUTH OAUTHBEARER ********"), "\(first)")
        #expect(fixture.deliveredCount == 2)
        #expect(try fixture.service.refreshCount() == 0)

        // The provider lets the access token expire early: dovecot refuses
        // it, mpop refreshes once and logs in again, storing the rotated
        // refresh token.
        let before = try String(contentsOfFile: fixture.tokenFile, encoding: .utf8)
        try fixture.service.admin("expire")
        _ = try fixture.mailbox.putMessages(sizes: [200])
        let second = try fixture.run(["-d", "--summary=json", "mail"])
        #expect(second.status == 0, "\(second)")
        #expect(fixture.deliveredCount == 3)
        #expect(try fixture.service.refreshCount() == 1)
        #expect(second.stdout.components(separatedBy: "--> AUTH OAUTHBEARER ********").count == 3, "\(second)")
        let after = try String(contentsOfFile: fixture.tokenFile, encoding: .utf8)
        #expect(Self.member("refresh_token", of: after) != Self.member("refresh_token", of: before))
        #expect(Self.member("refresh_token", of: after) != nil)

        // An access token that mpop knows to be expired is refreshed before
        // connecting; the rotated refresh token of the last run works.
        try fixture.service.admin("lifetime", "seconds=30")
        try fixture.service.admin("expire")
        #expect(try fixture.run(["-q", "mail"]).status == 0)
        #expect(try fixture.service.refreshCount() == 2)
        let third = try fixture.run(["-q", "--summary=json", "mail"])
        #expect(third.status == 0, "\(third)")
        #expect(try fixture.service.refreshCount() == 3)

        let logText = (try? String(contentsOfFile: fixture.home.url(log), encoding: .utf8)) ?? ""
        #expect(!logText.isEmpty)
        #expect(try fixture.leakedTokens(alsoIn: [logText]) == [])
    }

    @Test func deviceFlowThenXOAuth2() throws {
        let fixture = try OAuth2Fixture(auth: "xoauth2")
        defer { fixture.stop() }
        let authorized = try fixture.authorizeDevice()
        #expect(authorized.status == 0, "\(authorized)")
        #expect(authorized.stdout.hasPrefix("On any device, open \(fixture.service.url("/device"))\nand enter the code "))
        let login = try fixture.run(["-A", "-d", "mail"])
        #expect(login.status == 0, "\(login)")
        #expect(login.stdout.contains("--> AUTH XOAUTH2\r\n<-- + \r\n--> ********\r\n<-- +OK"), "\(login)")
        #expect(try fixture.leakedTokens() == [])
    }

    @Test func keyRingHoldsTheRefreshTokenWhenThereIsOne() throws {
        let fixture = try OAuth2Fixture()
        defer { fixture.stop() }
        // A stand-in secret-tool keeping items as files of its own directory.
        let ring = try TemporaryDirectory(prefix: "mpop-ring")
        let bin = try ring.makeDirectory("bin", mode: 0o755)
        try ring.write("bin/secret-tool", """
            #!/bin/sh
            dir=\(ring.path)/items
            mkdir -p "$dir"
            cmd=$1; shift
            [ "$cmd" = store ] && shift
            key=$(printf '%s/' "$@" | tr -c 'A-Za-z0-9._-' '_')
            case $cmd in
                store) cat > "$dir/$key" ;;
                lookup) [ -f "$dir/$key" ] && cat "$dir/$key" ;;
                *) exit 2 ;;
            esac

            """, mode: 0o755)
        let path = bin + ":/usr/bin:/bin"
        let authorized = try fixture.authorizeDevice(path: path)
        #expect(authorized.status == 0, "\(authorized)")
        #expect(authorized.stdout.contains("Account mail is authorized; its refresh token is in the key ring."))
        let file = try String(contentsOfFile: fixture.tokenFile, encoding: .utf8)
        #expect(Self.member("refresh_token", of: file) == nil)
        #expect(file.contains("\"refresh_token_in_key_ring\":true"))

        try fixture.service.admin("expire")
        let fetch = try fixture.run(["-q", "mail"], path: path)
        #expect(fetch.status == 0, "\(fetch)")
        #expect(try fixture.service.refreshCount() == 1)
        // Without the key ring the token cannot be had: a temporary failure.
        try fixture.service.admin("expire")
        let without = try fixture.run(["-q", "mail"])
        #expect(without.status == 75, "\(without)")
        #expect(without.stderr.hasPrefix("mpop: cannot read the OAuth 2.0 refresh token of account mail from the key ring"))
    }

    @Test func revokedAuthorizationExits77AndNamesTheCommand() throws {
        let fixture = try OAuth2Fixture()
        defer { fixture.stop() }
        #expect(try fixture.authorizeDevice().status == 0)
        try fixture.service.admin("revoke")
        let result = try fixture.run(["--summary=json", "mail"])
        #expect(result.status == 77, "\(result)")
        let message = "the OAuth 2.0 authorization of account mail was revoked or has expired "
            + "(invalid_grant: Token has been expired or revoked.); run 'mpop --oauth2-authorize mail' again"
        #expect(result.stderr == "mpop: \(message)\nmpop: error during mail retrieval (account mail from "
                + fixture.home.path + "/.mpoprc)\n")
        #expect(result.stdout.contains("\"status\":77"), "\(result)")
        #expect(try fixture.leakedTokens() == [])
    }

    @Test func neverAuthorizedExits77AndNamesTheCommand() throws {
        let fixture = try OAuth2Fixture()
        defer { fixture.stop() }
        let result = try fixture.run(["-A", "mail"])
        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.hasPrefix(
            "mpop: account mail has no OAuth 2.0 authorization yet; run 'mpop --oauth2-authorize mail' once\n"))
    }

    @Test func tokenServiceDownIsATemporaryFailure() throws {
        let fixture = try OAuth2Fixture()
        defer { fixture.stop() }
        // Tokens of 30 seconds are stale for mpop at once (it wants a minute left).
        try fixture.service.admin("lifetime", "seconds=30")
        #expect(try fixture.authorizeDevice().status == 0)
        fixture.service.stop()
        let result = try fixture.run(["-A", "mail"])
        #expect(result.status == 75, "\(result)")
        #expect(result.stderr.hasPrefix("mpop: cannot reach the OAuth 2.0 token endpoint \(fixture.service.url("/token")): "),
                "\(result)")
    }

    @Test func deniedConsentExits77() throws {
        let fixture = try OAuth2Fixture()
        defer { fixture.stop() }
        try fixture.service.admin("deny", "on=1")
        let authorized = try fixture.authorizeInBrowser()
        #expect(authorized.status == 77, "\(authorized)")
        #expect(authorized.stderr == "mpop: OAuth 2.0 authorization failed: access_denied\n")
        #expect(authorized.page.contains("authorization failed"))
    }

    /// Two runs need a refresh at once and the provider rotates refresh
    /// tokens: without the lock the second would spend the refresh token
    /// the first had already exchanged, and fail.
    @Test func concurrentRunsRefreshOnceUnderTheLock() throws {
        let fixture = try OAuth2Fixture()
        defer { fixture.stop() }
        try fixture.service.admin("lifetime", "seconds=30")
        #expect(try fixture.authorizeDevice().status == 0)
        try fixture.service.admin("lifetime", "seconds=3600")
        // A slow token endpoint keeps the first run in its refresh while the second starts.
        try fixture.service.admin("delay", "seconds=1.5")
        let runs = try (0..<2).map { _ in try fixture.start(["-A", "mail"]) }
        for (child, stdout, stderr) in runs {
            let (status, _) = child.wait(timeout: 60)
            let printed = fixture.collect(stdout, stderr)
            #expect(status == 0, "\(printed)")
        }
        #expect(try fixture.service.refreshCount() == 1)
    }

    @Test func pretendShowsTheSettingsButNeverTheClientSecret() throws {
        let home = try TemporaryDirectory()
        try home.write(".mpoprc", """
            account gmail
            host pop.gmail.com
            user me@gmail.com
            oauth2_provider google
            oauth2_client_id 1234.apps.googleusercontent.com
            oauth2_client_secret GOCSPX-very-secret

            """)
        let result = try MpopBinary.ours.run(["-P", "--serverinfo", "--oauth2-scope=https://mail.google.com/", "gmail"],
                                             home: home.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasSuffix("""
            oauth2_provider = google
            oauth2_client_id = 1234.apps.googleusercontent.com
            oauth2_client_secret = *
            oauth2_scope = https://mail.google.com/

            """), "\(result)")
        #expect(!result.stdout.contains("GOCSPX"))
        let bad = try MpopBinary.ours.run(["-P", "--oauth2-provider=yahoo", "gmail"], home: home.path)
        #expect(bad.status == 64 && bad.stderr == "mpop: invalid argument yahoo for --oauth2-provider\n", "\(bad)")
    }

    /// A member of the token file's JSON.
    static func member(_ key: String, of text: String) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return object?[key] as? String
    }
}
