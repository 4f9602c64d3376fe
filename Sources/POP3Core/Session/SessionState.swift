/// Where a POP3 conversation stands (RFC 1939 §3), and which events may
/// move it on. The driver (``POP3Session``) calls an event method for each
/// step; an event that does not fit the state is a bug in the caller and
/// stops the program.
public struct SessionState: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Connected (and TLS started for pop3s); the greeting is due.
        case awaitingGreeting
        /// Greeted; CAPA, STLS and authentication may follow.
        case authorization
        /// STLS was accepted; the TLS handshake is running.
        case negotiatingTLS
        /// Authenticated: STAT, LIST, UIDL, TOP, RETR, DELE.
        case transaction
        /// QUIT was sent; deletions are committed when it succeeds.
        case update
        /// The connection is closed (after QUIT, or dropped on an error).
        case closed
    }

    public private(set) var state: State = .awaitingGreeting
    /// Whether TLS protects the connection.
    public private(set) var tlsActive = false

    public init(tlsOnConnect: Bool = false) {
        tlsActive = tlsOnConnect
    }

    public mutating func receiveGreeting() {
        precondition(state == .awaitingGreeting, "greeting in state \(state)")
        state = .authorization
    }

    public mutating func acceptSTLS() {
        precondition(state == .authorization && !tlsActive, "STLS in state \(state)")
        state = .negotiatingTLS
    }

    public mutating func completeTLSHandshake() {
        precondition(state == .negotiatingTLS, "TLS handshake in state \(state)")
        tlsActive = true
        state = .authorization
    }

    public mutating func authenticate() {
        precondition(state == .authorization, "authentication in state \(state)")
        state = .transaction
    }

    /// Whether a mail-drop command (STAT, LIST, RETR…) may be sent now.
    public var inTransaction: Bool { state == .transaction }

    public mutating func sendQuit() {
        precondition(state == .authorization || state == .transaction, "QUIT in state \(state)")
        state = .update
    }

    public mutating func close() {
        state = .closed
    }
}
