/// Authentication (mpop 1.4.18 `pop3_auth`, §7): USER/PASS, APOP,
/// OAUTHBEARER and XOAUTH2 natively, everything else through the
/// ``SASLProvider``.
extension POP3Session {
    /// Authenticates with the configured or automatically chosen method.
    /// A failure leaves the connection to be dropped without QUIT.
    /// - Throws: ``POP3Error/authenticationFailed(method:reply:)`` (77, or 75
    ///   with a temporary response code), method-choice errors (69/70),
    ///   ``POP3Error/authNeedsUser(_:)``/``POP3Error/authNeedsPassword(_:)`` (69),
    ///   `command AUTH XOAUTH2 failed` (76), SASL library, protocol and I/O errors.
    public func authenticate() throws {
        precondition(state.inAuthorization, "authentication in state \(state.state)")
        let selector = AuthMethodSelector(saslProvider: saslProvider, apop: md5 != nil)
        let method = try selector.choose(configured: account.auth, capabilities: capabilities,
                                         tlsActive: state.tlsActive)
        let user = account.user
        if method != "EXTERNAL" && user == nil {
            throw POP3Error.authNeedsUser(method)
        }
        var password: Secret?
        if method != "EXTERNAL" && method != "GSSAPI" {
            password = try account.password ?? passwordProvider(method)
        }
        switch (method, password) {
        case ("USER", let password?): try authenticateUser(user ?? "", password: password)
        case ("APOP", let password?): try authenticateAPOP(user ?? "", password: password)
        case ("OAUTHBEARER", let token?): try authenticateOAuthBearer(user ?? "", token: token)
        case ("XOAUTH2", let token?): try authenticateXOAuth2(user ?? "", token: token)
        case ("EXTERNAL", _), ("GSSAPI", _), (_, _?): try authenticateSASL(method, user: user, password: password)
        default: throw POP3Error.authNeedsPassword(method)
        }
        markAuthenticated(method: method)
    }

    /// `USER`/`PASS`, sent together when pipelining. If USER is refused, the
    /// PASS reply is still read and the USER error reported.
    private func authenticateUser(_ user: String, password: Secret) throws {
        if pipelining {
            try send([.user(user), .pass(password)])
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
        let reply = try execute(.apop(user: user, digest: Secret(digest)))
        guard reply.isPositive else { throw POP3Error.authenticationFailed(method: "APOP", reply: reply) }
    }

    /// OAUTHBEARER (RFC 7628) with the token as initial response. An error
    /// challenge (`+ …`) is answered with an empty line, then the final
    /// reply is read.
    private func authenticateOAuthBearer(_ user: String, token: Secret) throws {
        let message = "n,a=\(user),\u{1}host=\(account.host ?? "")\u{1}port=\(account.effectivePort)"
            + "\u{1}auth=Bearer \(token.exposedValue)\u{1}\u{1}"
        let command = Command.auth(mechanism: "OAUTHBEARER", initialResponse: Secret(Base64.encode(Array(message.utf8))))
        var reply = try execute(command)
        if reply.isContinuation {
            reply = try execute(.saslResponse(Secret("")))
        }
        guard reply.isPositive, !reply.isContinuation else {
            throw POP3Error.authenticationFailed(method: "OAUTHBEARER", reply: reply.line.hasPrefix("-ERR") ? reply : nil)
        }
    }

    /// XOAUTH2 in the two-line form: `AUTH XOAUTH2`, `+`, then the token.
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

    /// A SASL mechanism through the provider, as mpop drives GNU SASL: the
    /// first client step is computed first, `AUTH MECH` goes out without an
    /// initial response, and each `+ challenge` is answered with one line.
    ///
    /// Deviation: mpop skips empty client answers (except for SCRAM and
    /// GSSAPI) and so desynchronises with EXTERNAL; we answer every
    /// continuation, with an empty line if need be. For DIGEST-MD5 this is
    /// the extra empty line mpop sends after the exchange.
    private func authenticateSASL(_ method: String, user: String?, password: Secret?) throws {
        guard let saslProvider else { throw POP3Error.saslMechanismUnsupported(method) }
        var properties = SASLProperties(user: user, password: password, hostname: account.host,
                                        realm: account.ntlmDomain)
        if method == "EXTERNAL" { properties.authzid = user }
        let client = try saslProvider.makeClient(mechanism: method, properties: properties)
        var pending: String? = try client.step(challenge: nil).response
        if pending == "" { pending = nil }
        var reply = try execute(.auth(mechanism: method, initialResponse: nil))
        guard reply.isPositive else {
            // mpop shows no server message here; we keep one only when it
            // carries a temporary response code, which changes the exit status.
            throw POP3Error.authenticationFailed(method: method,
                                                 reply: reply.responseCode?.isTemporary == true ? reply : nil)
        }
        while reply.isContinuation {
            try checkAbort(betweenPhases: false)
            let answer: String
            if let first = pending {
                answer = first
                pending = nil
            } else {
                answer = try client.step(challenge: reply.text).response
            }
            reply = try execute(.saslResponse(Secret(answer)))
        }
        guard reply.isPositive else {
            throw POP3Error.authenticationFailed(method: method, reply: reply.line.hasPrefix("-ERR") ? reply : nil)
        }
    }
}
