/// Where a POP3 conversation stands (RFC 1939 §3) and what it has learned
/// so far: the greeting, the capabilities, whether TLS is up, how the
/// client logged in, whether it pipelines. A value without I/O: the driver
/// (``POP3Session``) reports each event of the conversation with a
/// `mutating` method named after it, and asks the value what to do. An
/// event that does not fit the state is a bug in the driver and stops the
/// program.
///
///     S: +OK ready                 receiveGreeting      → authorization
///     C: CAPA   S: +OK ... .       receiveCapabilities
///     C: STLS   S: +OK             acceptSTLS           → negotiatingTLS
///     (handshake)                  completeTLSHandshake → authorization
///     C: USER, PASS   S: +OK       authenticate         → transaction
///     C: QUIT                      sendQuit             → update
///     (connection closed)          close                → closed
public struct SessionState: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Connected (and TLS started for pop3s); the greeting is due.
        case awaitingGreeting
        /// Greeted; CAPA, STLS and authentication may follow.
        case authorization(Greeting)
        /// STLS was accepted; the TLS handshake is running.
        case negotiatingTLS(Greeting)
        /// Logged in with `method`: STAT, LIST, UIDL, TOP, RETR, DELE.
        case transaction(Greeting, method: String)
        /// QUIT was sent (after login, or without one); deletions are
        /// committed when it succeeds.
        case update(Greeting, method: String?)
        /// The connection is closed, after QUIT or dropped on an error,
        /// with what was known by then.
        case closed(Greeting?, method: String?)
    }

    public private(set) var state: State = .awaitingGreeting
    /// Whether TLS protects the connection.
    public private(set) var tlsActive = false
    /// What the greeting (APOP) and the CAPA answers announced; flags add
    /// up over several answers.
    public private(set) var capabilities = Capabilities()
    /// Whether commands are sent in groups.
    public private(set) var pipelining = false
    /// The `pipelining` setting, which the next CAPA answer applies when
    /// `pipeliningUndecided`.
    private let pipeliningSetting: Account.Pipelining
    private var pipeliningUndecided = true

    /// - Parameter pipelining: the account's setting; `auto` follows the
    ///   first CAPA answer (and the one after ``refreshCapabilities()``).
    public init(pipelining: Account.Pipelining = .auto) {
        pipeliningSetting = pipelining
    }

    // MARK: Events

    /// TLS is up: before the greeting for pop3s, or after STLS.
    public mutating func completeTLSHandshake() {
        switch state {
        case .awaitingGreeting where !tlsActive:
            break
        case .negotiatingTLS(let greeting):
            state = .authorization(greeting)
        default:
            preconditionFailure("TLS handshake in state \(state)")
        }
        tlsActive = true
    }

    public mutating func receiveGreeting(_ greeting: Greeting) {
        precondition(state == .awaitingGreeting, "greeting in state \(state)")
        capabilities.apop = greeting.apopTimestamp != nil
        state = .authorization(greeting)
    }

    /// CAPA was answered: with the capability lines, or `nil` for `-ERR`
    /// (a server without CAPA). The first answer decides `pipelining auto`:
    /// on when CAPA lists PIPELINING.
    public mutating func receiveCapabilities(_ lines: [[UInt8]]?) {
        switch state {
        case .authorization, .transaction: break
        default: preconditionFailure("CAPA answer in state \(state)")
        }
        if let lines {
            capabilities.capa = true
            for line in lines { capabilities.absorb(line: line) }
        }
        if pipeliningUndecided {
            pipeliningUndecided = false
            switch pipeliningSetting {
            case .on: pipelining = true
            case .off: pipelining = false
            case .auto: pipelining = capabilities.capa && capabilities.pipelining
            }
        }
    }

    public mutating func acceptSTLS() {
        guard case .authorization(let greeting) = state, !tlsActive else {
            preconditionFailure("STLS in state \(state)\(tlsActive ? " with TLS" : "")")
        }
        state = .negotiatingTLS(greeting)
    }

    public mutating func authenticate(method: String) {
        guard case .authorization(let greeting) = state else {
            preconditionFailure("authentication in state \(state)")
        }
        state = .transaction(greeting, method: method)
    }

    /// CAPA goes out again after login (see ``needsCapabilitiesAgain(filtering:)``);
    /// its answer decides `pipelining auto` anew.
    public mutating func refreshCapabilities() {
        precondition(inTransaction, "CAPA refresh in state \(state)")
        pipeliningUndecided = true
    }

    public mutating func sendQuit() {
        switch state {
        case .authorization(let greeting): state = .update(greeting, method: nil)
        case .transaction(let greeting, let method): state = .update(greeting, method: method)
        default: preconditionFailure("QUIT in state \(state)")
        }
    }

    /// The connection is gone, whatever the state.
    public mutating func close() {
        state = .closed(greeting, method: authenticatedMethod)
    }

    // MARK: Questions

    /// The server's greeting, once it came.
    public var greeting: Greeting? {
        switch state {
        case .awaitingGreeting: return nil
        case .authorization(let greeting), .negotiatingTLS(let greeting),
             .transaction(let greeting, _), .update(let greeting, _):
            return greeting
        case .closed(let greeting, _): return greeting
        }
    }

    /// How the client logged in, once it did.
    public var authenticatedMethod: String? {
        switch state {
        case .transaction(_, let method): return method
        case .update(_, let method), .closed(_, let method): return method
        case .awaitingGreeting, .authorization, .negotiatingTLS: return nil
        }
    }

    /// Whether authentication may start now.
    public var inAuthorization: Bool {
        if case .authorization = state { return true }
        return false
    }

    /// Whether a mail-drop command (STAT, LIST, UIDL, TOP, RETR, DELE) may
    /// be sent now.
    public var inTransaction: Bool {
        if case .transaction = state { return true }
        return false
    }

    /// Whether mpop asks CAPA again after login (§3.1 step 8, a Gmail
    /// workaround): CAPA works, and TOP is missing although a filter needs
    /// it, or PIPELINING with `pipelining auto`, or UIDL.
    public func needsCapabilitiesAgain(filtering: Bool) -> Bool {
        guard capabilities.capa else { return false }
        return (filtering && !capabilities.top)
            || (pipeliningSetting == .auto && !capabilities.pipelining)
            || !capabilities.uidl
    }
}
