// swift-tools-version:6.0
import PackageDescription

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
        // environ, async-signal-safe flags, the terminal for password prompts.
        .target(name: "CSupport"),
        .systemLibrary(name: "CGnuTLS", pkgConfig: "gnutls",
                       providers: [.apt(["libgnutls28-dev"])]),
        .systemLibrary(name: "CGSASL", pkgConfig: "libgsasl",
                       providers: [.apt(["libgsasl-dev"])]),

        // Protocol engine, configuration, UIDLs, filters and deliveries.
        // No TLS or SASL library here: those come in through protocols.
        .target(name: "POP3Core", dependencies: ["CSupport"]),
        .target(name: "TLSGnu", dependencies: ["POP3Core", "CGnuTLS"]),
        .target(name: "Auth", dependencies: ["POP3Core", "CGSASL"]),
        .executableTarget(name: "mpop",
                          dependencies: ["POP3Core", "TLSGnu", "Auth", "CSupport"]),

        .target(name: "TestSupport", dependencies: ["POP3Core"], path: "Tests/Support"),
        // TLSGnu for MD5 (APOP), which POP3Core takes from outside.
        .testTarget(name: "POP3CoreTests", dependencies: ["POP3Core", "TLSGnu", "TestSupport"]),
        .testTarget(name: "TLSGnuTests", dependencies: ["TLSGnu", "POP3Core", "TestSupport"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "POP3Core", "TestSupport"]),
        .testTarget(name: "mpopTests", dependencies: ["POP3Core", "TestSupport"]),
    ]
)
