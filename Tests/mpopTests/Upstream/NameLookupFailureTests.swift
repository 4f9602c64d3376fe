import Foundation
import Testing
import TestSupport

/// A name server that does not answer is a temporary failure (exit 75), as
/// in mpop 1.4.19 and later; mpop 1.4.18 says 68, as for a host that does
/// not exist. The words are the same in all three. No network is needed: a
/// preloaded `getaddrinfo` gives the resolver's answer.
@Suite struct NameLookupFailureTests {
    static func run(_ binary: MpopBinary, code: Int32) throws -> RunResult {
        let home = try TemporaryDirectory()
        let maildir = try home.makeMaildir("Mail")
        return try binary.run(["--host=pop.example.org", "--user=u", "--passwordeval=echo p", "--auth=user",
                               "--tls=off", "--delivery=maildir,\(maildir)", "-q"],
                              home: home.path, environment: try ResolverFailure.environment(code: code))
    }

    static let temporaryMessage = """
        mpop: cannot locate host pop.example.org: Temporary failure in name resolution
        mpop: error during mail retrieval

        """

    @Test func temporaryLookupFailureExits75() throws {
        let ours = try Self.run(.ours, code: ResolverFailure.temporary)
        #expect(ours.status == 75, "\(ours)")
        #expect(ours.stderr == Self.temporaryMessage, "\(ours)")
        let upstream = try Self.run(try .upstream(), code: ResolverFailure.temporary)
        #expect(upstream.status == 75, "1.4.23 \(upstream)")
        #expect(upstream.stderr == Self.temporaryMessage, "1.4.23 \(upstream)")
        let reference = try Self.run(.reference, code: ResolverFailure.temporary)
        #expect(reference.status == 68, "1.4.18 \(reference)")
        #expect(reference.stderr == Self.temporaryMessage, "1.4.18 \(reference)")
    }

    @Test func unknownHostStillExits68() throws {
        for binary in [MpopBinary.ours, try .upstream(), .reference] {
            let result = try Self.run(binary, code: ResolverFailure.noSuchName)
            #expect(result.status == 68, "\(binary.path): \(result)")
            #expect(result.stderr == """
                mpop: cannot locate host pop.example.org: Name or service not known
                mpop: error during mail retrieval

                """, "\(binary.path): \(result)")
        }
    }
}
