import Auth
import POP3Core

/// Server challenges into GNU SASL's client steps: the base64 decoding and
/// each mechanism's parser (CRAM-MD5, DIGEST-MD5, SCRAM). The input is cut
/// at line feeds into successive challenges.
enum SASLTarget {
    static let mechanisms = ["CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN", "LOGIN", "NTLM"]

    static func run(_ input: [UInt8]) {
        let (seed, body) = input.seedAndBody
        let mechanism = mechanisms[Int(seed) % mechanisms.count]
        var properties = SASLProperties()
        properties.user = "joe"
        properties.password = Secret("pw")
        properties.hostname = "pop.example.org"
        guard GSASLProvider().supports(mechanism),
              let client = try? GSASLProvider().makeClient(mechanism: mechanism, properties: properties) else { return }
        var first = seed & 128 == 0
        for line in body.plainLines.prefix(8) {
            let challenge = String(decoding: line, as: UTF8.self)
            guard let step = try? client.step(challenge: first ? nil : challenge) else { return }
            first = false
            if step.complete { return }
        }
    }
}
