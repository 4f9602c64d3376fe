import Foundation
import POP3Core
import Testing
import TestSupport

/// The pieces of the kill-test fix: a pending journal record carries a
/// delivery proof, and the proof holds only for the whole file, in `new/`
/// or moved by a reader to `cur/`.
@Suite struct DeliveryProofTests {
    @Test func pendingRecordsSurviveTheJournalEncoding() {
        let proof = DeliveryProof(path: "/home/a b/Mail/new/1.M2P3Q4.host", size: 12_345)
        let pending = UIDLsJournalRecord(host: "h", user: "u", uid: Array("uid 1".utf8), proof: proof)
        let plain = UIDLsJournalRecord(host: "h", user: "u", uid: Array("uid-2".utf8))
        let decoded = UIDLsJournalRecord.decodeAll(pending.encoded + plain.encoded)
        #expect(decoded == [pending, plain])
        // A damaged pending record is ignored like any other.
        var damaged = pending.encoded
        damaged[damaged.count - 12] ^= 1
        #expect(UIDLsJournalRecord.decodeAll(damaged).isEmpty)
    }

    @Test func aProofHoldsForTheWholeFileInNewOrCur() throws {
        let home = try TemporaryDirectory(prefix: "mpop-proof")
        let maildir = try home.makeMaildir("Mail")
        let name = "1700000000.M1P2Q3.host"
        try Data(count: 100).write(to: URL(fileURLWithPath: maildir + "/new/" + name))
        let proof = DeliveryProof(path: maildir + "/new/" + name, size: 100)
        #expect(proof.holds())
        #expect(!DeliveryProof(path: proof.path, size: 99).holds())
        #expect(!DeliveryProof(path: maildir + "/new/other", size: 100).holds())
        // A mail reader moved it and added flags.
        rename(maildir + "/new/" + name, maildir + "/cur/" + name + ":2,S")
        #expect(proof.holds())
        // A prefix of another name is not the same file.
        rename(maildir + "/cur/" + name + ":2,S", maildir + "/cur/" + name + "0:2,S")
        #expect(!proof.holds())
    }
}
