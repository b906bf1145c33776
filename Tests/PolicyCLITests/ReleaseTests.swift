import Foundation
import TollgateTestSupport
import XCTest

/// `policy --version`: the bare version first (scripts and the action read it), then the
/// libgit2 and Yams versions the binary was built with.
final class VersionTests: XCTestCase {
    func versionLines() throws -> [String] {
        let result = try PolicyBinary.run(["--version"], in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func testVersionPrintsTheBareVersionThenLibgit2AndYams() throws {
        let lines = try versionLines()
        XCTAssertEqual(lines.count, 3, "\(lines)")
        let version = try XCTUnwrap(lines.first)
        XCTAssertNotNil(version.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+$"#, options: .regularExpression), version)

        // LIBGIT2_VERSION of the headers this test run compiled against, read independently.
        let includeDir = try GitSandbox.run("/usr/bin/env", ["pkg-config", "--variable=includedir", "libgit2"],
                                            in: GitSandbox.projectRoot).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let header = try String(contentsOfFile: includeDir + "/git2/version.h", encoding: .utf8)
        let headerVersion = try XCTUnwrap(Self.capture(#"#define LIBGIT2_VERSION\s+"([^"]+)""#, in: header))
        // The debug build links the system's shared libgit2, the one the headers belong to.
        XCTAssertEqual(lines[1], "libgit2 \(headerVersion)")
        XCTAssertEqual(lines[2], "Yams \(try Self.yamsVersionInManifest())")
    }

    /// Package.swift pins Yams `exact:`; PolicyCommand.yamsVersion must follow it when it moves.
    static func yamsVersionInManifest() throws -> String {
        let manifest = try String(contentsOf: GitSandbox.projectRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        return try XCTUnwrap(capture(#"github\.com/jpsim/Yams",\s*exact:\s*"([^"]+)""#, in: manifest),
                             "Package.swift no longer pins Yams with exact:")
    }

    static func capture(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }
}

/// The portable release made by scripts/release. Building it takes minutes, so these tests run
/// only when TOLLGATE_RELEASE_TARBALL names the tarball (scripts/test, and so CI, builds it first
/// and sets the variable).
final class ReleaseBinaryTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-release-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    static func tarball() throws -> URL {
        guard let path = ProcessInfo.processInfo.environment["TOLLGATE_RELEASE_TARBALL"], !path.isEmpty else {
            throw XCTSkip("builds on scripts/release's tarball: set TOLLGATE_RELEASE_TARBALL (scripts/test does)")
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("TOLLGATE_RELEASE_TARBALL=\(path) does not exist")
            throw XCTSkip("no tarball")
        }
        return url
    }

    /// The tarball checked against its .sha256 file with sha256sum itself, then unpacked.
    func unpackedBinary() throws -> URL {
        let tarball = try Self.tarball()
        let directory = tarball.deletingLastPathComponent()
        let check = try GitSandbox.run("/usr/bin/sha256sum", ["--check", tarball.lastPathComponent + ".sha256"], in: directory)
        XCTAssertEqual(check.status, 0, "sha256sum --check: \(check.stdout)\(check.stderr)")
        let unpack = try GitSandbox.run("/bin/tar", ["-xzf", tarball.path, "-C", scratch.path], in: scratch)
        XCTAssertEqual(unpack.status, 0, unpack.stderr)
        let name = tarball.lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
        XCTAssertNotNil(name.range(of: #"^policy-[0-9]+\.[0-9]+\.[0-9]+-linux-(x86_64|aarch64)$"#, options: .regularExpression), name)
        let binary = scratch.appendingPathComponent("\(name)/policy")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary.path), "the tarball holds \(name)/policy")
        return binary
    }

    func testTheReleaseBinaryLoadsNoSwiftRuntimeAndNoLibgit2() throws {
        let binary = try unpackedBinary()
        let ldd = try GitSandbox.run("/usr/bin/ldd", [binary.path], in: scratch, environment: ["LD_LIBRARY_PATH": ""])
        XCTAssertEqual(ldd.status, 0, ldd.stderr)
        XCTAssertFalse(ldd.stdout.contains("not found"), ldd.stdout)
        for library in ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "libgit2"] {
            XCTAssertFalse(ldd.stdout.contains(library), "\(library) is linked dynamically:\n\(ldd.stdout)")
        }
    }

    func testTheReleaseBinaryBlocksTheDemoWithOneReasonAndAnEmptyLibraryPath() throws {
        let binary = try unpackedBinary()
        // The demo's approvals carry digests the release binary computes itself.
        let demo = try GitSandbox.fixture("fixtures/distilops/history.sh", environment: ["TOLLGATE_POLICY": binary.path])
        let result = try GitSandbox.run(binary.path, ["check", "-C", demo.root.path, "--color", "never"], in: scratch,
                                        environment: ["LD_LIBRARY_PATH": ""])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("BLOCK  PromotionRequest/fraud-student-2.1.0-production"), result.stdout)
        let blocking = result.stdout.split(separator: "\n").filter { $0.contains("✗") }
        XCTAssertEqual(blocking.map { $0.trimmingCharacters(in: .whitespaces) }, ["✗ release-gate/p95-latency"], result.stdout)
        XCTAssertTrue(result.flat.contains("p95 latency 28.7 ms exceeds 25 ms (runs/fraud-student/run-8812.yaml:"), result.stdout)
        XCTAssertTrue(result.flat.contains("1 blocking reason"), result.stdout)
    }

    func testTheReleaseBinaryReportsTheVersionsItWasBuiltWith() throws {
        let binary = try unpackedBinary()
        let result = try GitSandbox.run(binary.path, ["--version"], in: scratch, environment: ["LD_LIBRARY_PATH": ""])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let debug = try PolicyBinary.run(["--version"], in: scratch).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, debug.first, "the release is the version of the sources")
        XCTAssertTrue(try Self.tarball().lastPathComponent.hasPrefix("policy-\(lines.first ?? "?")-linux-"))
        // libgit2 is linked statically: the one found at run time is the one compiled against.
        XCTAssertEqual(lines.count, 3, result.stdout)
        XCTAssertTrue(lines[1].hasPrefix("libgit2 ") && !lines[1].contains("running with"), result.stdout)
        XCTAssertEqual(lines[2], "Yams \(try VersionTests.yamsVersionInManifest())")
    }
}
