import Testing
@testable import POP3Core

/// IDN in `--configure` (mpop 1.4.21): the domain's ASCII form, from
/// libidn2, is what the SRV lookups ask for.
@Suite struct DomainNameTests {
    @Test func aNonASCIIDomainBecomesItsACEForm() {
        #expect(DomainName.ascii("bücher.example") == "xn--bcher-kva.example")
        #expect(DomainName.ascii("example.org") == "example.org")
        // Non-transitional (IDNA 2008): ß stays a letter of its own.
        #expect(DomainName.ascii("faß.de") == "xn--fa-hia.de")
    }

    @Test func configureLooksUpTheASCIIFormAndKeepsTheAddress() throws {
        var queries: [String] = []
        let text = try AutoConfiguration.text(for: "me@bücher.example", configurationFile: "f", keyRing: true) {
            query throws(SRVLookup.Failure) in
            queries.append(query)
            guard query == "_pop3._tcp.xn--bcher-kva.example" else { throw .notFound }
            return SRVLookup.Record(priority: 0, weight: 0, port: 110, target: "pop.xn--bcher-kva.example")
        }
        #expect(queries == ["_pop3s._tcp.xn--bcher-kva.example", "_pop3._tcp.xn--bcher-kva.example"])
        #expect(text.contains("\naccount me@bücher.example\nhost pop.xn--bcher-kva.example\n"), "\(text)")
        // The host is inside the (converted) mail domain: no warning.
        #expect(!text.contains("warning"), "\(text)")
    }

    @Test func anASCIIDomainIsLookedUpAsGiven() throws {
        var queries: [String] = []
        #expect(throws: AutoConfigurationError.self) {
            try AutoConfiguration.text(for: "me@My_Host.Example", configurationFile: "f", keyRing: true) {
                query throws(SRVLookup.Failure) in
                queries.append(query)
                throw .notFound
            }
        }
        #expect(queries == ["_pop3s._tcp.My_Host.Example", "_pop3._tcp.My_Host.Example"])
    }
}
