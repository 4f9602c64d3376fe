import Testing
@testable import POP3Core

/// `keep DURATION` in a retrieval (mpop 1.4.23): a message is deleted only
/// once the duration has passed since it was first seen; kill filters and
/// killsize wait too; the messages kept stay listed with their times.
@Suite struct KeepDurationRetrievalTests {
    static let hour = testAccount { $0.keep = .duration(seconds: 3600) }

    /// 1.msg was first seen two hours ago, 2.msg is new: 2.msg is fetched
    /// and kept, 1.msg is deleted.
    @Test func onlyMessagesOlderThanTheDurationAreDeleted() throws {
        let script = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage
            + "\n--> DELE 1\n<-- +OK\n--> QUIT\n<-- +OK"
        let harness = RetrievalHarness(script, account: Self.hour, known: ["1.msg"])
        harness.store.times = ["1.msg": harness.store.now - 7200]
        harness.run()
        #expect(harness.error == nil && harness.transport.finished)
        #expect(harness.store.keepsTimes)
        #expect(harness.store.stored() == ["2.msg"])
        #expect(harness.store.times == ["2.msg": harness.store.now])
    }

    /// Exactly the duration is old enough (1.4.23 keeps while the age is
    /// below it); a second less, or a time in the future, is not.
    @Test(arguments: [(3600, true), (3599, false), (-5, false)] as [(Int64, Bool)])
    func ageAgainstTheDuration(_ age: Int64, _ deleted: Bool) throws {
        let dele = deleted ? "\n--> DELE 1\n<-- +OK" : ""
        let script = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage + dele
            // Without a DELE the server has nothing to commit: QUIT's answer is not awaited.
            + (deleted ? "\n--> QUIT\n<-- +OK" : "\n--> QUIT")
        let harness = RetrievalHarness(script, account: Self.hour, known: ["1.msg"])
        harness.store.times = ["1.msg": harness.store.now - age]
        harness.run()
        #expect(harness.error == nil && harness.transport.finished, "\(String(describing: harness.error))")
        #expect(harness.store.stored() == (deleted ? ["2.msg"] : ["1.msg", "2.msg"]))
        if !deleted {
            #expect(harness.store.times["1.msg"] == harness.store.now - age, "the first-seen time is kept")
        }
    }

    /// A UID without a time (a 1.4.18 line) counts as first seen now.
    @Test func uidWithoutTimeCountsAsFirstSeenNow() throws {
        let script = login + "\n" + twoMessages + "\n--> RETR 2\n" + secondMessage + "\n--> QUIT"
        let harness = RetrievalHarness(script, account: Self.hour, known: ["1.msg"])
        harness.run()
        #expect(harness.error == nil && harness.transport.finished)
        #expect(harness.store.times == ["1.msg": harness.store.now, "2.msg": harness.store.now])
    }

    /// killsize 0 with a duration marks everything seen without fetching
    /// it, and deletes only what is due, saying which is which.
    @Test func killsizeWaitsForTheDuration() throws {
        var account = Self.hour
        account.killSize = 0
        let script = login + "\n" + twoMessages + "\n--> DELE 1\n<-- +OK\n--> QUIT\n<-- +OK"
        let harness = RetrievalHarness(script, account: account)
        harness.store.times = ["1.msg": harness.store.now - 3600]
        harness.run()
        #expect(harness.error == nil && harness.transport.finished)
        #expect(harness.store.stored() == ["2.msg"])
        #expect(harness.observer.lines.contains("delete 1/2 killsize"), "\(harness.observer.lines)")
        #expect(harness.observer.lines.contains("skip 2/2 killsize keep"), "\(harness.observer.lines)")
    }

    /// keep on still leaves an empty mailbox's list alone, as 1.4.18 does;
    /// a duration does what keep off does there.
    @Test func emptyMailbox() throws {
        let script = login + "\n--> STAT\n<-- +OK 0 0\n--> QUIT"
        let on = RetrievalHarness(script, account: testAccount { $0.keep = .on }, known: ["1.msg"]).run()
        #expect(on.store.stored() == ["1.msg"])
        let duration = RetrievalHarness(script, account: Self.hour, known: ["1.msg"]).run()
        #expect(duration.error == nil && duration.transport.finished)
        #expect(duration.store.stored().isEmpty)
    }
}
