import Testing
import TestSupport
@testable import POP3Core

@Suite struct SessionStateTests {
    static let greeting = try! Greeting(line: Array("+OK ready <1.2@example.org>".utf8))

    @Test func happyPathWithSTLS() {
        let greeting = Self.greeting
        var state = SessionState()
        #expect(state.state == .awaitingGreeting && !state.tlsActive)
        state.receiveGreeting(greeting)
        #expect(state.capabilities.apop)
        state.acceptSTLS()
        #expect(state.state == .negotiatingTLS(greeting))
        state.completeTLSHandshake()
        #expect(state.state == .authorization(greeting) && state.tlsActive)
        state.authenticate(method: "PLAIN")
        #expect(state.inTransaction)
        state.sendQuit()
        #expect(state.state == .update(greeting, method: "PLAIN"))
        state.close()
        #expect(state.state == .closed(greeting, method: "PLAIN"))
        // What the conversation learned outlives it.
        #expect(state.greeting == greeting && state.authenticatedMethod == "PLAIN" && state.tlsActive)
    }

    @Test func popsIsTLSFromTheStart() {
        var state = SessionState()
        state.completeTLSHandshake()
        #expect(state.tlsActive && state.state == .awaitingGreeting)
    }

    @Test func quitWithoutLoginAndCloseWithoutGreeting() {
        var state = SessionState()
        state.receiveGreeting(Self.greeting)
        state.sendQuit()
        #expect(state.state == .update(Self.greeting, method: nil))
        var dropped = SessionState()
        dropped.close()
        #expect(dropped.state == .closed(nil, method: nil))
    }

    /// `pipelining auto` follows the first CAPA answer, and the one after a
    /// refresh; `on` and `off` hold whatever CAPA says.
    @Test func pipeliningIsDecidedByTheFirstCapaAnswer() {
        let offered = [Array("PIPELINING".utf8)]
        var auto = SessionState(pipelining: .auto)
        auto.receiveGreeting(Self.greeting)
        #expect(!auto.pipelining)
        auto.receiveCapabilities([])
        #expect(!auto.pipelining && auto.capabilities.capa)
        auto.receiveCapabilities(offered)
        #expect(!auto.pipelining && auto.capabilities.pipelining)
        auto.authenticate(method: "USER")
        auto.refreshCapabilities()
        auto.receiveCapabilities(offered)
        #expect(auto.pipelining)

        var refused = SessionState(pipelining: .auto)
        refused.receiveGreeting(Self.greeting)
        refused.receiveCapabilities(nil)
        #expect(!refused.pipelining && !refused.capabilities.capa)

        var on = SessionState(pipelining: .on)
        on.receiveGreeting(Self.greeting)
        on.receiveCapabilities(nil)
        #expect(on.pipelining)
        var off = SessionState(pipelining: .off)
        off.receiveGreeting(Self.greeting)
        off.receiveCapabilities(offered)
        #expect(!off.pipelining)
    }

    @Test func capaIsAskedAgainAfterLoginWhenSomethingIsMissing() {
        var state = SessionState(pipelining: .off)
        state.receiveGreeting(Self.greeting)
        #expect(!state.needsCapabilitiesAgain(filtering: true), "without CAPA")
        state.receiveCapabilities(["UIDL", "TOP"].map { Array($0.utf8) })
        #expect(!state.needsCapabilitiesAgain(filtering: true))
        var noTop = SessionState(pipelining: .off)
        noTop.receiveGreeting(Self.greeting)
        noTop.receiveCapabilities([Array("UIDL".utf8)])
        #expect(noTop.needsCapabilitiesAgain(filtering: true) && !noTop.needsCapabilitiesAgain(filtering: false))
        var auto = SessionState(pipelining: .auto)
        auto.receiveGreeting(Self.greeting)
        auto.receiveCapabilities([Array("UIDL".utf8)])
        #expect(auto.needsCapabilitiesAgain(filtering: false))
    }

    /// A step out of order (login before the greeting, STLS over TLS) is
    /// the caller's bug: the program stops.
    @Test func stepsOutOfOrderStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            var state = SessionState()
            state.authenticate(method: "USER")
        }
        await #expect(processExitsWith: .failure) {
            var state = SessionState()
            state.receiveGreeting(try! Greeting(line: Array("+OK".utf8)))
            state.acceptSTLS()
            state.completeTLSHandshake()
            state.acceptSTLS()
        }
    }

    @Test func emptyCapaListStillMeansCapa() throws {
        let script = "<-- +OK\n--> CAPA\n<-- +OK\n<-- .\n--> USER joe\n<-- +OK\n--> PASS pw\n<-- +OK\n--> QUIT\n<-- +OK"
        let session = makeSession(testAccount(), ScriptedTransport(script))
        try session.runAuthOnly()
        #expect(session.capabilities.capa)
    }
}
