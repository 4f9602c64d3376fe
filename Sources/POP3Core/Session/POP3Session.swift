/// Obtains the password (or OAuth token) for an authentication method, only
/// when the method needs one (mpop asks the keyring, `~/.netrc`, then the
/// terminal at this point). Returns `nil` when there is none.
public typealias PasswordProvider = (_ method: String) throws -> Secret?

/// One POP3 conversation with one server for one account, over a
/// ``Transport``: greeting, CAPA, STLS, authentication, the transaction
/// commands and QUIT, as mpop 1.4.18's `pop3.c` conducts them.
///
/// The session never opens sockets itself; TLS comes from a ``TLSStarter``
/// and SASL from a ``SASLProvider``. Every command and reply line goes to
/// the ``DialogueObserver`` (secrets masked) for `--debug`.
///
/// It drives the conversation with blocking calls on the transport; where
/// the conversation stands and what it learned is its ``state``, a value
/// without I/O that each step reports to. Its methods are the steps, in
/// the order RFC 1939 allows: ``open()``, ``authenticate()``, the
/// transaction commands, ``quit()``, ``close()``; a step out of order is
/// a bug in the caller and stops the program.
public final class POP3Session {
    public let account: Account
    let tlsStarter: (any TLSStarter)?
    let saslProvider: (any SASLProvider)?
    /// For APOP; without it APOP is not available on this side.
    let md5: (any MD5Digester)?
    let passwordProvider: PasswordProvider
    let dialogue: (any DialogueObserver)?
    /// Set when the session is to stop (SIGINT, SIGTERM, SIGHUP).
    public let cancellation: Cancellation
    /// How long to wait for the greeting on port 995 with STARTTLS
    /// configured before blaming the port (seconds).
    var greetingDeadline: Int32 = 5

    /// The stream, and the TLS session on it once TLS is up.
    private(set) var transport: any Transport
    private(set) var reader: LineReader
    /// Where the conversation stands; the session's only record of it.
    public private(set) var state: SessionState
    /// Runs once in ``open()``, before the greeting is read: work that is
    /// due before the session goes on (parsing the UIDLs file), done while
    /// the server prepares its greeting.
    public var whileAwaitingGreeting: (() throws -> Void)?
    /// The server as `--serverinfo` and the Received header name it; the
    /// reverse lookup happens on first use.
    public private(set) lazy var serverIdentity: ServerIdentity = lookUpServerIdentity()
    private let peerDescriptor: Int32?

    /// Commands that go out with the next write, in front of its own: the
    /// CAPA after STLS when it travels with the authentication.
    private var queuedAhead: [Command] = []
    /// A CAPA went out whose answer is still unread: the next read takes it
    /// first, then runs ``checkAfterCapabilities``.
    private var capabilitiesAwaited = false
    /// Checks the configured method against the CAPA answer that came with
    /// the authentication.
    private var checkAfterCapabilities: (() throws -> Void)?
    /// Mail-drop commands to send behind the last command of the login
    /// (see ``sendAfterLogin(_:)``).
    private var afterLogin: [Command] = []
    /// Commands sent ahead whose answers are unread, oldest first.
    private(set) var sentAhead: [Command] = []

    public var capabilities: Capabilities { state.capabilities }
    public var greeting: Greeting? { state.greeting }
    /// Whether commands are pipelined now (`pipelining` after CAPA).
    public var pipelining: Bool { state.pipelining }
    /// The method authentication used, once it succeeded.
    public var authenticatedMethod: String? { state.authenticatedMethod }
    /// The TLS session, once TLS is up.
    public var tlsTransport: (any TLSTransport)? {
        state.tlsActive ? transport as? any TLSTransport : nil
    }

    /// - Parameters:
    ///   - account: the settings; `host`, `user`, `auth`, `tls*`, `pipelining`
    ///     and `password` are read here.
    ///   - transport: the connected stream (a ``SocketBackedTransport`` when
    ///     TLS is to be started on it).
    ///   - tlsStarter: required when `account.tls` is on.
    ///   - saslProvider: the SASL library, or `nil` for native methods only.
    ///   - password: asked when the chosen method needs a password and
    ///     `account.password` is unset.
    ///   - dialogue: the `--debug` printer, or `nil`.
    ///   - cancellation: checked between phases and on every line; the
    ///     transport's own waits should end under the same value.
    ///   - serverIdentity: the peer's names when known (from ``Connection``);
    ///     otherwise they are looked up on the transport's socket when needed.
    public init(account: Account, transport: any Transport, tlsStarter: (any TLSStarter)?,
                saslProvider: (any SASLProvider)?, md5: (any MD5Digester)? = nil,
                password: @escaping PasswordProvider,
                dialogue: (any DialogueObserver)? = nil,
                cancellation: Cancellation = .never,
                serverIdentity: ServerIdentity? = nil) {
        self.account = account
        self.transport = transport
        self.tlsStarter = tlsStarter
        self.saslProvider = saslProvider
        self.md5 = md5
        passwordProvider = password
        self.dialogue = dialogue
        self.cancellation = cancellation
        reader = LineReader(transport: transport, observer: dialogue)
        state = SessionState(pipelining: account.pipelining)
        if account.proxyHost == nil, account.socket == nil, let socket = transport as? any SocketBackedTransport {
            peerDescriptor = socket.socketDescriptor
        } else {
            peerDescriptor = nil
        }
        if let serverIdentity { self.serverIdentity = serverIdentity }
    }

    private func lookUpServerIdentity() -> ServerIdentity {
        let host = account.host ?? account.socket ?? ""
        guard let peerDescriptor else { return ServerIdentity(host: host) }
        return ServerIdentity.lookUp(host: host, socketDescriptor: peerDescriptor)
    }

    /// A session over a fresh ``Connection``, with the peer names it found,
    /// cancelled with the connection's socket.
    public convenience init(account: Account, connection: Connection, tlsStarter: (any TLSStarter)?,
                            saslProvider: (any SASLProvider)?, md5: (any MD5Digester)? = nil,
                            password: @escaping PasswordProvider,
                            dialogue: (any DialogueObserver)? = nil) {
        self.init(account: account, transport: connection.transport, tlsStarter: tlsStarter,
                  saslProvider: saslProvider, md5: md5, password: password, dialogue: dialogue,
                  cancellation: connection.transport.cancellation,
                  serverIdentity: ServerIdentity(host: account.host ?? account.socket ?? "",
                                                 canonicalName: connection.canonicalName,
                                                 address: connection.address))
    }

    // MARK: Opening

    /// Starts the conversation: TLS for pop3s, the greeting, CAPA, and with
    /// `tls_starttls` STLS, the handshake and CAPA again (§3.1 steps 2–5).
    ///
    /// With `authenticationFollows`, a pipelining server and a configured
    /// method that this side can do, the CAPA after STLS is not sent here:
    /// it goes out with the authentication's first command, one round trip
    /// fewer, and its answer is read (and the method checked against it)
    /// before the authentication's first reply.
    ///
    /// - Throws: ``POP3Error/noGreeting(reply:hint:)`` (76; with a hint on
    ///   port 995 when STARTTLS is configured and no greeting comes),
    ///   ``POP3Error/emptyReply`` (76) when the connection ends first,
    ///   ``POP3Error/stlsNotOffered`` (69), `command STLS failed` (76, also
    ///   when bytes follow the STLS `+OK` unencrypted), TLS and I/O errors.
    public func open(authenticationFollows: Bool = false) throws {
        precondition(state.state == .awaitingGreeting, "open() in state \(state.state)")
        if account.tls && !account.tlsStartTLS {
            try startTLS(prepared: nil)
        }
        // The server takes a while to greet (milliseconds, dovecot starts
        // a login process): time for work that is due before the session
        // goes on anyway.
        var preparedTLS: (any TLSPreparation)?
        if account.tls && account.tlsStartTLS, let tlsStarter {
            preparedTLS = tlsStarter.prepare(settings: TLSSettings(account: account))
        }
        if let work = whileAwaitingGreeting {
            whileAwaitingGreeting = nil
            try work()
        }
        try waitForGreetingOnSuspiciousPort()
        let line: [UInt8]?
        do {
            line = try reader.readLine()
        } catch let error as POP3Error {
            if case .lineTooLong = error { throw POP3Error.noGreeting(reply: nil, hint: nil) }
            throw error
        }
        // A connection closed before the greeting is mpop's "empty reply".
        guard let line else { throw POP3Error.emptyReply }
        state.receiveGreeting(try Greeting(line: line))
        try requestCapabilities()
        if account.tls && account.tlsStartTLS {
            if capabilities.capa && !capabilities.stls { throw POP3Error.stlsNotOffered }
            let reply = try execute(.stls)
            guard reply.isPositive else { throw POP3Error.commandFailed(command: "STLS", reply: reply) }
            // Bytes already here arrived unencrypted after the +OK: taking
            // them as TLS-protected would allow command injection.
            guard reader.bufferedByteCount == 0 else {
                throw POP3Error.commandFailed(command: "STLS", reply: nil)
            }
            state.acceptSTLS()
            try startTLS(prepared: preparedTLS)
            if capabilities.capa {
                if authenticationFollows && mayQueueCapabilitiesWithAuthentication {
                    queuedAhead.append(.capa)
                    capabilitiesAwaited = true
                } else {
                    try requestCapabilities()
                }
            }
        }
    }

    /// Whether the CAPA after STLS may wait for the authentication's first
    /// write: the server pipelines (by the CAPA before TLS), and the method
    /// is configured and available here, so that only its being offered is
    /// left to check, on the answer.
    private var mayQueueCapabilitiesWithAuthentication: Bool {
        guard pipelining, !account.auth.isEmpty else { return false }
        return AuthMethodSelector(saslProvider: saslProvider, apop: md5 != nil).clientSupports(account.auth)
    }

    /// mpop waits the full timeout when STARTTLS is configured for a pop3s
    /// port (the server waits for a TLS hello, we for a greeting). Waiting a
    /// few seconds and naming the likely mistake is kinder.
    private func waitForGreetingOnSuspiciousPort() throws {
        guard account.tls, account.tlsStartTLS, account.effectivePort == 995, reader.bufferedByteCount == 0 else {
            return
        }
        if try !transport.waitForInput(timeout: .seconds(greetingDeadline)) {
            throw POP3Error.noGreeting(
                reply: nil,
                hint: "no greeting within \(greetingDeadline) seconds; port 995 usually expects TLS "
                    + "from the start: set tls_starttls off")
        }
    }

    /// Runs the handshake on the socket, with what was `prepared` for it,
    /// and carries on over TLS.
    private func startTLS(prepared: (any TLSPreparation)?) throws {
        guard let tlsStarter else {
            throw MessageError("cannot start TLS: no TLS support", exitStatus: .software)
        }
        guard let socket = transport as? any SocketBackedTransport else {
            throw MessageError("cannot start TLS on this connection", exitStatus: .software)
        }
        let settings = TLSSettings(account: account)
        let tls = try tlsStarter.startTLS(over: socket, settings: settings, prepared: prepared)
        transport = tls
        reader = LineReader(transport: tls, observer: dialogue)
        state.completeTLSHandshake()
        dialogue?.tlsEstablished(tls)
    }

    /// Sends CAPA and merges the answer into ``capabilities``.
    /// A negative reply means the server has no CAPA (§3.1 step 4).
    /// - Throws: ``POP3Error/invalidReplyTo(command:serverMessage:)`` beyond
    ///   mpop's 50 lines or when the connection ends instead of a reply,
    ///   protocol and I/O errors.
    func requestCapabilities() throws {
        try send([.capa])
        try readCapabilities()
    }

    /// Reads the answer to a CAPA sent before.
    private func readCapabilities() throws {
        let reply: StatusLine
        do {
            reply = try readStatus(for: .capa)
        } catch POP3Error.emptyReply {
            // mpop words a connection closed instead of a CAPA reply so.
            throw POP3Error.invalidReplyTo(command: "CAPA", serverMessage: nil)
        }
        var lines: [[UInt8]]?
        if reply.isPositive {
            lines = []
            try MultilineReader.readListing(from: reader, command: "CAPA", limit: 48) { lines?.append($0) }
        }
        state.receiveCapabilities(lines)
    }

    /// Sends CAPA once more after authentication when mpop does (§3.1 step
    /// 8, a Gmail workaround): CAPA works and TOP is missing with a filter
    /// set, or PIPELINING is missing in auto mode, or UIDL is missing.
    /// Not when commands went out behind the login: they were only sent
    /// because the capabilities before it did not call for this.
    public func refreshCapabilitiesAfterAuthentication() throws {
        guard sentAhead.isEmpty, state.needsCapabilitiesAgain(filtering: account.filter != nil) else { return }
        state.refreshCapabilities()
        try requestCapabilities()
    }

    // MARK: Commands

    /// Sends one command and reads its status line.
    /// - Throws: ``POP3Error/emptyReply`` at the end of the stream, invalid
    ///   replies, I/O errors.
    /// A command that went out ahead (``sendAfterLogin(_:)``) is not sent
    /// again: its answer is read.
    @discardableResult
    func execute(_ command: Command) throws -> StatusLine {
        if sentAhead.first == command {
            sentAhead.removeFirst()
        } else {
            try send([command])
        }
        return try readStatus(for: command)
    }

    /// Writes commands in one go (a pipelined group, or a single command),
    /// behind those queued ahead of them.
    func send(_ commands: [Command]) throws {
        var bytes: [UInt8] = []
        let all = queuedAhead + commands
        queuedAhead = []
        for command in all {
            dialogue?.sent(command.debugText)
            bytes += command.wireBytes
        }
        try bytes.withUnsafeBytes { try transport.write($0) }
    }

    /// Writes mail-drop commands (TOP, RETR, DELE), which only the
    /// transaction state allows.
    func sendInTransaction(_ commands: [Command]) throws {
        precondition(state.inTransaction, "mail-drop commands in state \(state.state)")
        try send(commands)
    }

    /// Reads the status line answering `command`.
    /// An awaited CAPA answer comes first.
    func readStatus(for command: Command) throws -> StatusLine {
        if capabilitiesAwaited {
            capabilitiesAwaited = false
            try readCapabilities()
            let check = checkAfterCapabilities
            checkAfterCapabilities = nil
            try check?()
        }
        guard let line = try reader.readLine(command: command.name) else { throw POP3Error.emptyReply }
        return try StatusLine(bytes: line)
    }

    // MARK: Commands behind the login

    /// Asks for `commands` (STAT, LIST, UIDL) to go out with the last
    /// command of the login when the server pipelines, instead of one by
    /// one after it (RFC 2449 §6.6): their answers then wait in the
    /// stream, and ``stat()``, ``list(count:)`` and ``uidl(count:)`` read
    /// them. A login that fails leaves them answered `-ERR` in the
    /// authorization state; a later method of the automatic choice reads
    /// those answers first.
    public func sendAfterLogin(_ commands: [Command]) {
        precondition(state.inAuthorization, "sendAfterLogin in state \(state.state)")
        afterLogin = commands
    }

    /// Whether `command` went out ahead and its answer is still to be read.
    public func wasSentAhead(_ command: Command) -> Bool {
        sentAhead.contains(command)
    }

    /// The commands to write behind the last command of a login: those of
    /// ``sendAfterLogin(_:)`` when pipelining, and unless CAPA is to be
    /// asked again after the login (it must come first).
    func commandsBehindLogin() -> [Command] {
        guard pipelining, sentAhead.isEmpty, !afterLogin.isEmpty,
              !state.needsCapabilitiesAgain(filtering: account.filter != nil) else { return [] }
        sentAhead = afterLogin
        return afterLogin
    }

    /// After a refused login: reads the answers to the commands that went
    /// behind it, which the authorization state refuses, so that the next
    /// method starts on a clean stream.
    /// - Throws: ``POP3Error/invalidReplyTo(command:serverMessage:)`` when one
    ///   was accepted after all.
    func discardAnswersBehindLogin() throws {
        while let command = sentAhead.first {
            sentAhead.removeFirst()
            let reply = try readStatus(for: command)
            if reply.isPositive { throw POP3Error.invalidReplyTo(command: command.name, serverMessage: reply.line) }
        }
    }

    /// The login is over: nothing more goes behind it.
    func endLogin() {
        afterLogin = []
    }

    /// Runs `check` once the CAPA answer that travels with the login is in;
    /// at once when there is none.
    func afterCapabilities(_ check: @escaping () throws -> Void) throws {
        if capabilitiesAwaited {
            checkAfterCapabilities = check
        } else {
            try check()
        }
    }

    /// Whether a CAPA answer is still to come (it went out, or goes out,
    /// with the login's first command).
    var awaitsCapabilities: Bool { capabilitiesAwaited }

    /// Throws ``POP3Error/aborted(betweenPhases:)`` once ``cancellation`` is set.
    func checkAbort(betweenPhases: Bool) throws {
        if cancellation.isCancelled { throw POP3Error.aborted(betweenPhases: betweenPhases) }
    }

    /// `STAT`: the number of messages and their total size.
    /// - Throws: `invalid reply to command STAT` (76) for a bad count,
    ///   ``POP3Error/tooManyMessages`` (70) beyond 1,000,000 messages.
    public func stat() throws -> (count: Int, size: Int64) {
        precondition(state.inTransaction, "STAT in state \(state.state)")
        let reply = try execute(.stat)
        guard reply.isPositive else { throw POP3Error.commandFailed(command: "STAT", reply: reply) }
        let text = Array(reply.text.utf8)
        var index = 0
        var count: Int64 = 0
        while index < text.count, text[index] >= 48, text[index] <= 57 {
            count = count > 10_000_000 ? count : count * 10 + Int64(text[index] - 48)
            index += 1
        }
        guard index > 0 else { throw POP3Error.invalidReplyTo(command: "STAT", serverMessage: reply.line) }
        guard count <= 1_000_000 else { throw POP3Error.tooManyMessages }
        let size = ListingNumber.size(text[index...])
        return (Int(count), size)
    }

    /// `LIST`: the size of each of `count` messages.
    public func list(count: Int) throws -> MessageSizes {
        precondition(state.inTransaction, "LIST in state \(state.state)")
        let reply = try execute(.list)
        guard reply.isPositive else { throw POP3Error.commandFailed(command: "LIST", reply: reply) }
        var listing = ScanListing(messageCount: count)
        try MultilineReader.readListingLines(from: reader, command: "LIST") { line in
            try checkAbort(betweenPhases: false)
            try listing.absorb(line: line)
        }
        return try listing.finish()
    }

    /// `UIDL`: the UID of each of `count` messages, or `nil` when the server
    /// answers `-ERR` (then it has no UIDL, silently, as in mpop).
    /// `expected`: the UIDs the listing likely holds (see ``UniqueIDListing``).
    public func uidl(count: Int, expected: UIDSequence = UIDSequence()) throws -> UIDSequence? {
        precondition(state.inTransaction, "UIDL in state \(state.state)")
        let reply = try execute(.uidl)
        guard reply.isPositive else { return nil }
        var listing = UniqueIDListing(messageCount: count, expected: expected)
        try MultilineReader.readListingLines(from: reader, command: "UIDL") { line in
            try checkAbort(betweenPhases: false)
            try listing.absorb(line: line)
        }
        return try listing.finish()
    }

    /// Sends QUIT and reads the answer; the server commits deletions now.
    /// - Throws: `command QUIT failed` (76), I/O errors.
    public func quit() throws {
        try quit(whileAwaitingReply: {})
    }

    /// ``quit()`` that runs `work` between sending QUIT and reading the
    /// reply, while the server commits and logs out.
    public func quit(whileAwaitingReply work: () -> Void) throws {
        state.sendQuit()
        try send([.quit])
        work()
        let reply = try readStatus(for: .quit)
        guard reply.isPositive else { throw POP3Error.commandFailed(command: "QUIT", reply: reply) }
    }

    /// Reads the answer to a QUIT that went out in a pipelined group (behind
    /// the last DELEs).
    /// - Throws: `command QUIT failed` (76), I/O errors.
    public func readQuitReply() throws {
        state.sendQuit()
        let reply = try readStatus(for: .quit)
        guard reply.isPositive else { throw POP3Error.commandFailed(command: "QUIT", reply: reply) }
    }

    /// Sends QUIT and closes the connection without waiting for the answer,
    /// when the server has nothing to commit (nothing was marked deleted):
    /// its reply cannot change what the run did. Every earlier answer has
    /// been read, so the close ends the connection in order.
    public func quitWithoutWaiting() {
        state.sendQuit()
        try? send([.quit])
        close()
    }

    /// Closes the connection (without QUIT when none was sent).
    public func close() {
        transport.close()
        state.close()
    }

    /// `--auth-only`: open, authenticate, QUIT, close.
    public func runAuthOnly() throws {
        defer { close() }
        try open()
        try checkAbort(betweenPhases: true)
        try authenticate()
        // As in mpop, a failed QUIT does not matter here: the login, which
        // is all --auth-only asks about, has succeeded.
        try? quit()
    }

    var lineReader: LineReader { reader }

    func markAuthenticated(method: String) {
        state.authenticate(method: method)
    }
}
