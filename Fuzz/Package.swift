// swift-tools-version: 6.0
import PackageDescription

// libFuzzer harnesses for the parsers that read what a user or a commit supplies, built and run
// by scripts/fuzz with `-sanitize=fuzzer,address` (see docs/fuzzing.md). Each harness is one
// file exporting LLVMFuzzerTestOneInput; its `@main` hands it to libFuzzer (LibFuzzerDriver).
let package = Package(
    name: "TollgateFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Tollgate", path: "..")],
    targets: [
        .target(name: "LibFuzzerDriver"),
        .executableTarget(name: "FuzzYAMLLoader", dependencies: ["LibFuzzerDriver", tollgate("Documents")]),
        .executableTarget(name: "FuzzSchemaValidator", dependencies: ["LibFuzzerDriver", tollgate("Documents")]),
        .executableTarget(name: "FuzzReadingCodec", dependencies: ["LibFuzzerDriver", tollgate("Documents")]),
        .executableTarget(name: "FuzzCELParser", dependencies: ["LibFuzzerDriver", tollgate("CEL")]),
        .executableTarget(
            name: "FuzzCELEvaluator",
            dependencies: ["LibFuzzerDriver", tollgate("CEL"), tollgate("Documents"), tollgate("Policy")]
        ),
        .executableTarget(name: "FuzzSSHSIG", dependencies: ["LibFuzzerDriver", tollgate("Provenance"), tollgate("GitKit")]),
        .executableTarget(name: "FuzzRawCommit", dependencies: ["LibFuzzerDriver", tollgate("GitKit")]),
    ],
    swiftLanguageModes: [.v6]
)

/// A library product of the root package.
func tollgate(_ product: String) -> Target.Dependency {
    .product(name: product, package: "Tollgate")
}
