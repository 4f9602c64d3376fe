import Testing
import TestSupport
@testable import POP3Core

/// The scripted transport itself: a transcript left unplayed fails the test.
@Suite struct ScriptedTransportTests {
    /// A session that never sends the QUIT the transcript expects.
    @Test func aMissingQuitFailsTheTest() {
        withKnownIssue("the QUIT step is left unplayed") {
            do {
                let transport = ScriptedTransport("<-- +OK ready\n--> CAPA\n<-- -ERR no\n--> QUIT\n<-- +OK")
                let session = makeSession(testAccount(), transport)
                try session.open()
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        } matching: { issue in
            issue.description.contains("not played to its end; next: --> QUIT")
        }
    }

    @Test func aTranscriptPlayedToItsEndRecordsNothing() throws {
        let transport = ScriptedTransport("<-- +OK ready\n--> CAPA\n<-- -ERR no\n--> QUIT\n<-- +OK")
        let session = makeSession(testAccount(), transport)
        try session.open()
        try session.quit()
        #expect(transport.finished)
    }
}
