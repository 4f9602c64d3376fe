import Testing
import Auth
import POP3Core

/// Each mechanism's client, run against a GNU SASL server session in the
/// same process: the right password authenticates, a wrong one does not.
@Suite struct GSASLClientSessionTests {
    static let mechanisms = ["PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]

    /// Runs the whole exchange the way POP3 carries it (RFC 5034): the
    /// client computes its first step, the server opens with a challenge,
    /// the client answers with that first step if it had one, otherwise
    /// steps on the challenge. A client-side error (for example a server
    /// signature that does not verify) counts as a rejection too.
    static func exchange(_ mechanism: String, clientPassword: String, serverPassword: String = "right pw",
                         clientBinding: (kind: ChannelBindingKind, data: [UInt8])? = nil,
                         serverBinding: String? = nil) throws -> GSASLTestServer.Outcome {
        let properties = SASLProperties(user: "alice", password: Secret(clientPassword),
                                        hostname: "localhost", channelBinding: clientBinding)
        let client = try GSASLProvider().makeClient(mechanism: mechanism, properties: properties)
        let server = try GSASLTestServer(mechanism: mechanism, user: "alice", password: serverPassword,
                                         channelBinding: serverBinding)
        var (pending, clientDone) = try client.step(challenge: nil)
        var message = ""
        for _ in 0..<10 {
            let (challenge, result) = server.step(message)
            switch result {
            case .failure(let failure):
                return .rejected(failure.text)
            case .success(let serverDone):
                do {
                    if serverDone {
                        // The server's last word (SCRAM's signature) must satisfy the client.
                        if !clientDone {
                            (_, clientDone) = try client.step(challenge: challenge)
                        }
                        return clientDone ? .authenticated : .rejected("client not complete")
                    }
                    if !pending.isEmpty {
                        message = pending
                        pending = ""
                    } else {
                        (message, clientDone) = try client.step(challenge: challenge)
                    }
                } catch {
                    return .rejected("client: \(error)")
                }
            }
        }
        return .rejected("exchange did not end")
    }

    @Test(arguments: mechanisms)
    func rightPasswordAuthenticates(mechanism: String) throws {
        #expect(try Self.exchange(mechanism, clientPassword: "right pw") == .authenticated)
    }

    @Test(arguments: mechanisms)
    func wrongPasswordIsRejected(mechanism: String) throws {
        #expect(try Self.exchange(mechanism, clientPassword: "wrong pw") != .authenticated)
    }

    @Test(arguments: [ChannelBindingKind.tlsUnique, .tlsExporter])
    func scramPlusWithMatchingBindingAuthenticates(kind: ChannelBindingKind) throws {
        let binding: [UInt8] = Array(0..<32)
        let base64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        #expect(try Self.exchange("SCRAM-SHA-256-PLUS", clientPassword: "right pw",
                                  clientBinding: (kind, binding), serverBinding: base64) == .authenticated)
        #expect(try Self.exchange("SCRAM-SHA-256-PLUS", clientPassword: "wrong pw",
                                  clientBinding: (kind, binding), serverBinding: base64) != .authenticated)
    }

    @Test func scramPlusWithOtherBindingIsRejected() throws {
        let outcome = try Self.exchange("SCRAM-SHA-256-PLUS", clientPassword: "right pw",
                                        clientBinding: (.tlsExporter, [1, 2, 3, 4]),
                                        serverBinding: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        #expect(outcome != .authenticated)
    }

    /// A binding offered with plain SCRAM would make the client claim the
    /// server cannot bind ("y"), which a server able to bind must refuse.
    @Test func plainScramIgnoresTheBinding() throws {
        let base64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        #expect(try Self.exchange("SCRAM-SHA-256", clientPassword: "right pw",
                                  clientBinding: (.tlsExporter, Array(0..<32)),
                                  serverBinding: base64) == .authenticated)
    }

    @Test func longPasswordsAndChallengesPass() throws {
        let long = String(repeating: "pässwörd-", count: 800)
        for mechanism in ["PLAIN", "SCRAM-SHA-256"] {
            #expect(try Self.exchange(mechanism, clientPassword: long, serverPassword: long) == .authenticated)
        }
    }

    @Test func plainSendsAuthidAndPassword() throws {
        let client = try GSASLProvider().makeClient(
            mechanism: "PLAIN", properties: SASLProperties(user: "bob", password: Secret("pw")))
        let (response, complete) = try client.step(challenge: nil)
        #expect(response == "AGJvYgBwdw==")
        #expect(complete)
    }

    @Test func externalSendsTheAuthzid() throws {
        let client = try GSASLProvider().makeClient(
            mechanism: "EXTERNAL", properties: SASLProperties(user: "bob", authzid: "bob"))
        #expect(try client.step(challenge: nil).response == "Ym9i")
    }

    @Test func unsupportedMechanismIsReported() {
        #expect(!GSASLProvider().supports("NO-SUCH-MECH"))
        #expect(throws: AuthError.unsupported(mechanism: "NO-SUCH-MECH")) {
            _ = try GSASLProvider().makeClient(mechanism: "NO-SUCH-MECH", properties: SASLProperties())
        }
        let error = AuthError.unsupported(mechanism: "NO-SUCH-MECH")
        #expect(error.explanation == "GNU SASL: authentication method NO-SUCH-MECH not supported")
        #expect(error.exitStatus == .software)
    }

    @Test func garbageChallengeIsALibraryFailure() throws {
        let client = try GSASLProvider().makeClient(
            mechanism: "CRAM-MD5", properties: SASLProperties(user: "bob", password: Secret("pw")))
        _ = try client.step(challenge: nil)
        do {
            _ = try client.step(challenge: "!!not base64!!")
            Issue.record("a challenge that is not base64 was accepted")
        } catch let error as AuthError {
            #expect(error.explanation.hasPrefix("GNU SASL: "))
            #expect(error.exitStatus == .software)
        }
    }

    @Test func errorTextsAndStatuses() {
        let failed = AuthError.authenticationFailed(mechanism: "SCRAM-SHA-1", serverMessage: nil)
        #expect(failed.explanation == "authentication failed (method SCRAM-SHA-1)")
        #expect(failed.exitStatus == .noPermission)
        #expect(failed.serverMessage == nil)
        #expect(AuthError.library("Base 64 coding error in SASL library").explanation
                == "GNU SASL: Base 64 coding error in SASL library")
    }

    @Test func theOtherMechanismsStart() throws {
        // GSSAPI and NTLM need a Kerberos realm or a Windows server to finish;
        // here they only have to start and produce a first step or a library error.
        for mechanism in ["GSSAPI", "NTLM"] where GSASLProvider().supports(mechanism) {
            let properties = SASLProperties(user: "bob", password: Secret("pw"), hostname: "localhost",
                                            realm: "WORKGROUP")
            let client = try GSASLProvider().makeClient(mechanism: mechanism, properties: properties)
            do {
                _ = try client.step(challenge: nil)
            } catch let error as AuthError {
                #expect(error.exitStatus == .software)
            }
        }
    }
}
