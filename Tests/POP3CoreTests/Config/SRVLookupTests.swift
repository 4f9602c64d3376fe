import Testing
@testable import POP3Core

@Suite struct SRVLookupTests {
    /// A reply for `_pop3s._tcp.x` with two SRV answers, the second
    /// pointing back into the question for its name.
    let reply: [UInt8] = [
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
        6, 0x5F, 0x70, 0x6F, 0x70, 0x33, 0x73, 4, 0x5F, 0x74, 0x63, 0x70, 1, 0x78, 0, 0, 33, 0, 1,
        0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 12, 0, 5, 0, 1, 0x03, 0xE3, 3, 0x70, 0x6F, 0x70, 0xC0, 24,
        0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 7, 0, 1, 0, 0, 0x03, 0xE4, 0,
    ]

    @Test func parsesCompressedTargets() {
        let records = SRVLookup.parseAnswers(reply)
        #expect(records == [
            SRVLookup.Record(priority: 5, weight: 1, port: 995, target: "pop.x"),
            SRVLookup.Record(priority: 1, weight: 0, port: 996, target: ""),
        ])
        // The "." target means "not offered" and is never chosen.
        #expect(SRVLookup.choose(records)?.target == "pop.x")
    }

    @Test func lowestPriorityThenHighestWeightThenFirst() {
        let records = [
            SRVLookup.Record(priority: 2, weight: 9, port: 1, target: "a"),
            SRVLookup.Record(priority: 1, weight: 1, port: 2, target: "b"),
            SRVLookup.Record(priority: 1, weight: 5, port: 3, target: "c"),
            SRVLookup.Record(priority: 1, weight: 5, port: 4, target: "d"),
        ]
        #expect(SRVLookup.choose(records)?.target == "c")
    }

    @Test func configurationText() throws {
        let text = try AutoConfiguration.text(for: "me@example.org", configurationFile: "/h/.mpoprc", keyRing: false) {
            query throws(SRVLookup.Failure) in
            guard query == "_pop3._tcp.example.org" else { throw .notFound }
            return SRVLookup.Record(priority: 0, weight: 0, port: 110, target: "mail.example.org")
        }
        #expect(text == """
            # - copy this to your configuration file /h/.mpoprc
            # - encrypt your password:
            #   gpg -e -o ~/.mpop-password.gpg
            # - adjust the delivery command
            account me@example.org
            host mail.example.org
            port 110
            tls on
            tls_starttls on
            user me
            passwordeval gpg --no-tty -q -d ~/.mpop-password.gpg
            delivery mbox ~/MAIL

            """)
        #expect(throws: AutoConfigurationError.invalidAddress) {
            try AutoConfiguration.text(for: "@example.org", configurationFile: "f", keyRing: true)
        }
    }
}
