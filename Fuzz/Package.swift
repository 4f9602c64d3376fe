// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser that reads outside input. Built by
// Scripts/fuzz with `-sanitize=fuzzer,address`; not part of the main build,
// so the product never links the fuzzer runtime.
let package = Package(
    name: "MpopFuzz",
    dependencies: [
        .package(name: "mpop", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "MpopFuzz",
            dependencies: [
                .product(name: "POP3Core", package: "mpop"),
                .product(name: "Auth", package: "mpop"),
            ]),
    ]
)
