// swift-tools-version:6.0
import PackageDescription

// Release builds drop the run-time exclusivity checks (the compiler still
// enforces exclusivity statically): they cost a few percent of CPU per
// message and guard against nothing the code relies on.
let releaseSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "mpop",
    products: [
        .executable(name: "mpop", targets: ["mpop"]),
        // For the fuzzing package under Fuzz/, which depends on this one by path.
        .library(name: "POP3Core", targets: ["POP3Core"]),
        .library(name: "Auth", targets: ["Auth"]),
    ],
    targets: [
        // glibc pieces Swift 6 cannot reach safely: getopt_long's globals,
        // environ, async-signal-safe flags, the terminal for password prompts,
        // and libidn2 for --configure (already a dependency of GnuTLS).
        .target(name: "CSupport", linkerSettings: [.linkedLibrary("idn2")]),
        .systemLibrary(name: "CGnuTLS", pkgConfig: "gnutls",
                       providers: [.apt(["libgnutls28-dev"])]),
        .systemLibrary(name: "CGSASL", pkgConfig: "libgsasl",
                       providers: [.apt(["libgsasl-dev"])]),
        // HTTP for OAuth 2.0 through libcurl's GnuTLS flavour (one TLS stack),
        // JSON through json-c.
        // libcurl is loaded with dlopen when OAuth first needs it (its
        // headers come from libcurl4-gnutls-dev; nothing links it).
        .target(name: "CCurl"),
        .systemLibrary(name: "CJSONC", pkgConfig: "json-c",
                       providers: [.apt(["libjson-c-dev"])]),

        // Protocol engine, configuration, UIDLs, filters and deliveries.
        // No TLS or SASL library here: those come in through protocols.
        .target(name: "POP3Core", dependencies: ["CSupport"], swiftSettings: releaseSettings),
        .target(name: "TLSGnu", dependencies: ["POP3Core", "CGnuTLS"], swiftSettings: releaseSettings),
        .target(name: "Auth", dependencies: ["POP3Core", "CGSASL"], swiftSettings: releaseSettings),
        // OAuth 2.0: the authorization flows, the token endpoint, the token
        // store and cache (GnuTLS for PKCE's SHA-256 and random bytes).
        .target(name: "OAuth2", dependencies: ["POP3Core", "CCurl", "CJSONC", "CGnuTLS"],
                swiftSettings: releaseSettings),
        .executableTarget(name: "mpop",
                          dependencies: ["POP3Core", "TLSGnu", "Auth", "OAuth2", "CSupport"],
                          swiftSettings: releaseSettings),

        .target(name: "TestSupport", dependencies: ["POP3Core"], path: "Tests/Support"),
        // TLSGnu for MD5 (APOP), which POP3Core takes from outside.
        .testTarget(name: "POP3CoreTests", dependencies: ["POP3Core", "TLSGnu", "CSupport", "TestSupport"]),
        .testTarget(name: "TLSGnuTests", dependencies: ["TLSGnu", "POP3Core", "TestSupport"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "POP3Core", "TestSupport"]),
        .testTarget(name: "OAuth2Tests", dependencies: ["OAuth2", "POP3Core", "TestSupport"]),
        .testTarget(name: "mpopTests", dependencies: ["POP3Core", "TestSupport"]),
        // The program's own types (formatting, the fetch log's writer), with
        // @testable import of the executable target.
        .testTarget(name: "mpopUnitTests", dependencies: ["mpop", "POP3Core"]),
    ]
)
