/// Authentication (mpop 1.4.18 `pop3_auth`, §7): USER/PASS, APOP,
/// OAUTHBEARER and XOAUTH2 natively, everything else through the
/// ``SASLProvider``.
extension POP3Session {
    /// Authenticates with the configured or automatically chosen method.
    /// A failure leaves the connection to be dropped without QUIT.
    ///
    /// The automatic choice may be a list (``AuthMethodSelector``): when the
    /// server refuses a SCRAM mechanism for good (`-ERR` without a
    /// temporary response code), or GNU SASL cannot start it here (before
    /// `AUTH` is sent), the next method is tried on the same connection,
    /// down to the method mpop 1.4.18 would have used, whose failure is the
    /// one reported. Never after a SCRAM exchange that our side broke off
    /// (a server signature that does not verify): that is reported at once.
    /// - Throws: ``POP3Error/authenticationFailed(method:reply:)`` (77, or 75
    ///   with a temporary response code), method-choice errors (69/70),
    ///   ``POP3Error/authNeedsUser(_:)``/``POP3Error/authNeedsPassword(_:)``/
    ///   ``POP3Error/authNeedsChannelBinding(_:)`` (69),
    ///   `command AUTH XOAUTH2 failed` (76), SASL library, protocol and I/O errors.
    public func authenticate() throws {
        precondition(state.inAuthorization, "authentication in state \(state.state)")
        let selector = AuthMethodSelector(saslProvider: saslProvider, apop: md5 != nil,
                                          oauth2: account.oauth2.isConfigured)
        let binding = tlsTransport?.sessionChannelBinding
        let tlsActive = state.tlsActive
        let methods: [String]
        if awaitsCapabilities {
            // The configured method goes out with the CAPA after STLS; that
            // it is offered is checked on the answer, before the method's
            // own first reply is read.
            methods = [account.auth]
            try afterCapabilities { [self] in
                _ = try selector.candidates(configured: account.auth, capabilities: capabilities,
                                            tlsActive: tlsActive, channelBinding: binding != nil)
            }
        } else {
            methods = try selector.candidates(configured: account.auth, capabilities: capabilities,
                                              tlsActive: tlsActive, channelBinding: binding != nil)
        }
        defer { endLogin() }
        var password = account.password
        for (index, method) in methods.enumerated() {
            do {
                try authenticate(with: method, password: &password, channelBinding: binding)
                markAuthenticated(method: method)
                return
            } catch {
                if index + 1 < methods.count && Self.nextMethodMayFollow(error) {
                    try discardAnswersBehindLogin()
                    continue
                }
                throw (error as? MechanismNotStarted)?.underlying ?? error
            }
        }
    }

    /// Whether the automatic choice may go on to its next method after
    /// `error`: a mechanism this side could not start, or a refusal that
    /// is not temporary. Not a connection lost, a temporary refusal, nor
    /// an exchange our side broke off.
    private static func nextMethodMayFollow(_ error: any Error) -> Bool {
        if error is MechanismNotStarted { return true }
        if case .authenticationFailed(_, let reply)? = error as? POP3Error {
            return reply?.responseCode?.isTemporary != true
        }
        return false
    }

    /// One method, start to end; `password` is asked for once, when a
    /// method first needs it, and kept for the next.
    private func authenticate(with method: String, password: inout Secret?,
                              channelBinding: (kind: ChannelBindingKind, data: [UInt8])?) throws {
        let user = account.user
        if method != "EXTERNAL" && user == nil {
            throw POP3Error.authNeedsUser(method)
        }
        if method != "EXTERNAL" && method != "GSSAPI" && password == nil {
            password = try passwordProvider(method)
        }
        switch (method, password) {
        case ("USER", let password?): try authenticateUser(user ?? "", password: password)
        case ("APOP", let password?): try authenticateAPOP(user ?? "", password: password)
        case ("OAUTHBEARER", let token?): try authenticateOAuthBearer(user ?? "", token: token)
        case ("XOAUTH2", let token?): try authenticateXOAuth2(user ?? "", token: token)
        case ("EXTERNAL", _), ("GSSAPI", _), (_, _?):
            try authenticateSASL(method, user: user, password: password, channelBinding: channelBinding)
        default: throw POP3Error.authNeedsPassword(method)
        }
    }

    /// `USER`/`PASS`, sent together when pipelining. If USER is refused, the
    /// PASS reply is still read and the USER error reported.
    private func authenticateUser(_ user: String, password: Secret) throws {
        if pipelining {
            try send([.user(user), .pass(password)] + commandsBehindLogin())
            let userReply = try readStatus(for: .user(user))
            let passReply = try readStatus(for: .pass(password))
            guard userReply.isPositive else { throw POP3Error.authenticationFailed(method: "USER", reply: userReply) }
            guard passReply.isPositive else { throw POP3Error.authenticationFailed(method: "USER", reply: passReply) }
        } else {
            let userReply = try execute(.user(user))
            guard userReply.isPositive else { throw POP3Error.authenticationFailed(method: "USER", reply: userReply) }
            let passReply = try execute(.pass(password))
            guard passReply.isPositive else { throw POP3Error.authenticationFailed(method: "USER", reply: passReply) }
        }
    }

    /// `APOP user md5hex(timestamp + password)` (RFC 1939 §7).
    private func authenticateAPOP(_ user: String, password: Secret) throws {
        let timestamp = greeting?.apopTimestamp ?? ""
        guard let md5 else { preconditionFailure("APOP chosen without an MD5 digester") }
        let digest = md5.md5Hex(Array((timestamp + password.exposedValue).utf8))
        let command = Command.apop(user: user, digest: Secret(digest))
        try send([command] + commandsBehindLogin())
        let reply = try readStatus(for: command)
        guard reply.isPositive else { throw POP3Error.authenticationFailed(method: "APOP", reply: reply) }
    }

    /// OAUTHBEARER (RFC 7628 §3.1) with the token as initial response when
    /// the AUTH line fits 255 octets, otherwise after the server's empty `+`
    /// (RFC 5034 §4). An error challenge (`+ base64 JSON`, §3.2.2) is
    /// answered with `%x01` (§3.2.3), then the final `-ERR` is read.
    ///
    ///     C: AUTH OAUTHBEARER bixhPWpvZSwBaG9zdD1...
    ///     S: + eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=
    ///     C: AQ==
    ///     S: -ERR invalid token
    private func authenticateOAuthBearer(_ user: String, token: Secret) throws {
        let message = "n,a=\(user),\u{1}host=\(account.host ?? "")\u{1}port=\(account.effectivePort)"
            + "\u{1}auth=Bearer \(token.exposedValue)\u{1}\u{1}"
        let response = Secret(Base64.encode(Array(message.utf8)))
        var reply: StatusLine
        if Self.fitsAUTHLine("OAUTHBEARER", response) {
            reply = try execute(.auth(mechanism: "OAUTHBEARER", initialResponse: response))
        } else {
            reply = try execute(.auth(mechanism: "OAUTHBEARER", initialResponse: nil))
            guard reply.isContinuation else {
                throw POP3Error.authenticationFailed(method: "OAUTHBEARER", reply: reply.line.hasPrefix("-ERR") ? reply : nil)
            }
            reply = try execute(.saslResponse(response))
        }
        if reply.isContinuation {
            reply = try execute(.saslResponse(Secret(Self.errorChallengeAnswer)))
        }
        guard reply.isPositive, !reply.isContinuation else {
            throw POP3Error.authenticationFailed(method: "OAUTHBEARER", reply: reply.line.hasPrefix("-ERR") ? reply : nil)
        }
    }

    /// `%x01` in base64: the client's answer to an OAUTHBEARER error challenge.
    static let errorChallengeAnswer = "AQ=="

    /// Whether `AUTH MECHANISM RESPONSE` plus CRLF stays within the 255
    /// octets RFC 5034 §4 allows an AUTH command with an initial response.
    static func fitsAUTHLine(_ mechanism: String, _ response: Secret) -> Bool {
        "AUTH ".utf8.count + mechanism.utf8.count + 1 + response.exposedValue.utf8.count + 2 <= 255
    }

    /// XOAUTH2 always in the two-line form Microsoft's servers require
    /// (`AUTH XOAUTH2`, `+`, then the token), which Google's accept too. An
    /// error challenge (Google's `+ base64 JSON`) is answered with an empty
    /// line, as Google documents, then the final `-ERR` is read.
    ///
    ///     C: AUTH XOAUTH2
    ///     S: +
    ///     C: dXNlcj1qb2UBYXV0aD1CZWFyZXIgdG9rAQE=
    ///     S: +OK
    private func authenticateXOAuth2(_ user: String, token: Secret) throws {
        let first = try execute(.auth(mechanism: "XOAUTH2", initialResponse: nil))
        guard first.isContinuation else {
            throw POP3Error.commandFailed(command: "AUTH XOAUTH2", reply: first)
        }
        let message = "user=\(user)\u{1}auth=Bearer \(token.exposedValue)\u{1}\u{1}"
        var reply = try execute(.saslResponse(Secret(Base64.encode(Array(message.utf8)))))
        if reply.isContinuation {
            reply = try execute(.saslResponse(Secret("")))
        }
        guard reply.isPositive, !reply.isContinuation else {
            throw POP3Error.authenticationFailed(method: "XOAUTH2", reply: reply.line.hasPrefix("-ERR") ? reply : nil)
        }
    }

    /// A SASL mechanism through the provider: the first client step is
    /// computed first; for a mechanism where the client speaks first, on a
    /// server that announces SASL in CAPA (RFC 5034), it goes with `AUTH`
    /// as the initial response (`=` when empty) unless that makes the line
    /// longer than 255 octets; otherwise `AUTH MECH` goes out alone, as
    /// mpop sends it, and the first step answers the first `+`. Each
    /// further `+ challenge` is answered with one line. The client's last
    /// message carries the commands that go behind the login.
    ///
    /// Deviation: mpop skips empty client answers (except for SCRAM and
    /// GSSAPI) and so desynchronises with EXTERNAL; we answer every
    /// continuation, with an empty line if need be. For DIGEST-MD5 this is
    /// the extra empty line mpop sends after the exchange.
    ///
    /// A `-PLUS` mechanism gets the TLS session's channel binding; the
    /// others never do: GNU SASL 2.2.0's plain SCRAM client given binding
    /// data fails its first step (`Error authenticating user`), which is
    /// how mpop 1.4.23, setting it for every mechanism, fails against
    /// dovecot. Errors before `AUTH` goes out come wrapped in
    /// ``MechanismNotStarted``.
    private func authenticateSASL(_ method: String, user: String?, password: Secret?,
                                  channelBinding: (kind: ChannelBindingKind, data: [UInt8])?) throws {
        guard let saslProvider else { throw POP3Error.saslMechanismUnsupported(method) }
        var properties = SASLProperties(user: user, password: password, hostname: account.host,
                                        realm: account.ntlmDomain)
        if method == "EXTERNAL" { properties.authzid = user }
        if method.hasSuffix("-PLUS") {
            guard let channelBinding else { throw POP3Error.authNeedsChannelBinding(method) }
            properties.channelBinding = channelBinding
        }
        var pending: String?
        var pendingIsLast = false
        let client: any SASLClientSession
        do {
            client = try saslProvider.makeClient(mechanism: method, properties: properties)
            (pending, pendingIsLast) = try client.step(challenge: nil)
        } catch {
            throw MechanismNotStarted(underlying: error)
        }
        var reply: StatusLine
        if let first = pending, let initial = initialResponse(first, for: method) {
            let command = Command.auth(mechanism: method, initialResponse: Secret(initial))
            try send([command] + (pendingIsLast ? commandsBehindLogin() : []))
            pending = nil
            reply = try readStatus(for: command)
        } else {
            if pending == "" { pending = nil }
            reply = try execute(.auth(mechanism: method, initialResponse: nil))
            guard reply.isPositive else {
                // mpop shows no server message here; we keep one only when it
                // carries a temporary response code, which changes the exit status.
                throw POP3Error.authenticationFailed(method: method,
                                                     reply: reply.responseCode?.isTemporary == true ? reply : nil)
            }
        }
        while reply.isContinuation {
            try checkAbort(betweenPhases: false)
            let answer: String
            let isLast: Bool
            if let first = pending {
                (answer, isLast) = (first, pendingIsLast)
                pending = nil
            } else {
                (answer, isLast) = try client.step(challenge: reply.text)
            }
            let command = Command.saslResponse(Secret(answer))
            try send([command] + (isLast ? commandsBehindLogin() : []))
            reply = try readStatus(for: command)
        }
        guard reply.isPositive else {
            throw POP3Error.authenticationFailed(method: method, reply: reply.line.hasPrefix("-ERR") ? reply : nil)
        }
    }
}

extension POP3Session {
    /// Mechanisms in which the client speaks first (RFC 4422 §5), whose
    /// first message can go with `AUTH`.
    static let clientFirstMechanisms: Set<String> = [
        "PLAIN", "EXTERNAL", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS",
    ]

    /// The initial response for `AUTH method` (RFC 5034 §4): the client's
    /// first message, `=` for an empty one; `nil` when it must wait for the
    /// first `+` (a server-first mechanism, a server without CAPA, which may
    /// predate RFC 5034, or a line over 255 octets with its CRLF). The
    /// CAPA answer that decides is the first one: after STLS the second
    /// may still be on its way.
    func initialResponse(_ message: String, for method: String) -> String? {
        guard Self.clientFirstMechanisms.contains(method), capabilities.capa else { return nil }
        let initial = message.isEmpty ? "=" : message
        guard "AUTH \(method) \(initial)\r\n".utf8.count <= 255 else { return nil }
        return initial
    }
}

/// A SASL mechanism that failed on this side before `AUTH` was sent, so
/// the server saw nothing of it.
struct MechanismNotStarted: Error {
    let underlying: any Error
}
