import Testing
import TestSupport
@testable import POP3Core

@Suite struct SessionStateTests {
    @Test func happyPathWithSTLS() {
        var state = SessionState()
        #expect(state.state == .awaitingGreeting && !state.tlsActive)
        state.receiveGreeting()
        state.acceptSTLS()
        #expect(state.state == .negotiatingTLS)
        state.completeTLSHandshake()
        #expect(state.state == .authorization && state.tlsActive)
        state.authenticate()
        #expect(state.inTransaction)
        state.sendQuit()
        #expect(state.state == .update)
        state.close()
        #expect(state.state == .closed)
    }

    @Test func popsIsTLSFromTheStart() {
        #expect(SessionState(tlsOnConnect: true).tlsActive)
    }

    @Test func emptyCapaListStillMeansCapa() throws {
        let script = "<-- +OK\n--> CAPA\n<-- +OK\n<-- .\n--> USER joe\n<-- +OK\n--> PASS pw\n<-- +OK\n--> QUIT\n<-- +OK"
        let session = makeSession(testAccount(), ScriptedTransport(script))
        try session.runAuthOnly()
        #expect(session.capabilities.capa)
    }
}
