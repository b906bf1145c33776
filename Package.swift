// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Tollgate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "policy", targets: ["PolicyCLI"]),
        // Libraries so that the fuzzing package (Fuzz/) and other tools can link the layers.
        .library(name: "GitKit", targets: ["GitKit"]),
        .library(name: "Documents", targets: ["Documents"]),
        .library(name: "CEL", targets: ["CEL"]),
        .library(name: "Policy", targets: ["Policy"]),
        .library(name: "Provenance", targets: ["Provenance"]),
        .library(name: "Dossier", targets: ["Dossier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // libgit2 from the system (Debian: libgit2-dev). Only GitKit may import it.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        // Crypto: the SHA-1 checksum of git's commit-graph files (CommitGraph).
        .target(name: "GitKit", dependencies: ["CLibGit2", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Documents",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The Common Expression Language: lexer, parser, AST, evaluator. Depends on nothing.
        .target(name: "CEL"),
        .target(name: "Policy", dependencies: ["Documents", "CEL"]),
        .target(name: "Workspace", dependencies: ["GitKit", "Documents", "Policy", "Provenance", "Dossier"]),
        .target(
            name: "Provenance",
            dependencies: [
                "GitKit", "Documents", "Policy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The model of a subject and of the repository a report and `policy explain` render
        // (`policy report`): built by Workspace from one loaded state, rendered by Reporters.
        .target(name: "Dossier", dependencies: ["Documents", "Policy", "Provenance"]),
        .target(name: "Reporters", dependencies: ["Documents", "Policy", "Provenance", "Dossier"]),
        .executableTarget(
            name: "PolicyCLI",
            dependencies: [
                "Workspace", "Reporters", "Dossier", "Documents", "Policy", "Provenance", "GitKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times GitKit's history walks with and without a commit-graph (docs/performance.md).
        .executableTarget(name: "GitKitBench", dependencies: ["GitKit"], path: "Benchmarks/GitKitBench"),
        // What the test targets share: process running, scratch repositories, SSH keys, the
        // `policy` binary. Depends on no product module.
        .target(name: "TollgateTestSupport", path: "Tests/TollgateTestSupport"),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "TollgateTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        // Yams: the composer the current one replaced, compared with it by
        // YAMLComposerDifferentialTests.
        .testTarget(
            name: "DocumentsTests",
            dependencies: ["Documents", .product(name: "Yams", package: "Yams")],
            exclude: ["YAML/Fixtures"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Documents", "TollgateTestSupport"]),
        .testTarget(name: "CELTests", dependencies: ["CEL"], exclude: ["Conformance"]),
        .testTarget(name: "ReportersTests", dependencies: ["Reporters", "Dossier", "Policy", "Provenance", "Documents", "TollgateTestSupport"]),
        .testTarget(name: "ProvenanceTests", dependencies: ["Provenance", "GitKit", "Documents", "TollgateTestSupport"]),
        .testTarget(name: "PolicyCLITests", dependencies: ["PolicyCLI", "TollgateTestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
