import Foundation
import TollgateTestSupport
import XCTest

/// action/install-release.sh fed hostile releases whose checksum matches (the release itself is
/// the attacker, or a mirror serving another release's files): it must refuse and install
/// nothing, and never move a file of the runner into place.
final class RedTeamInstallTests: XCTestCase {
    static let script = GitSandbox.projectRoot.appendingPathComponent("action/install-release.sh")
    static let version = "9.9.9"
    static let name = "policy-\(version)-linux-x86_64"
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-redteam-install-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func sh(_ script: String) throws -> GitSandbox.Result {
        let result = try GitSandbox.run("/bin/bash", ["-c", script], in: scratch)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return result
    }

    /// A `policy` that runs anywhere and reports the version asked for.
    func fakeBinary(at path: String) throws {
        try sh("mkdir -p \"$(dirname '\(path)')\" && printf '#!/bin/sh\\necho \(Self.version)\\n' > '\(path)' && chmod 0755 '\(path)'")
    }

    /// Packs `stage` (whose entries are given to tar) into a release directory with its checksum.
    func release(_ tarArguments: String, sumName: String? = nil) throws -> URL {
        let directory = scratch.appendingPathComponent("release")
        try sh("rm -rf release && mkdir release && tar -czf release/\(Self.name).tar.gz \(tarArguments)"
               + " && cd release && sha256sum \(Self.name).tar.gz > \(Self.name).tar.gz.sha256")
        if let sumName {
            try sh("cd release && sed -i 's/  .*/  \(sumName)/' \(Self.name).tar.gz.sha256")
        }
        return directory
    }

    func install(_ release: URL) throws -> GitSandbox.Result {
        try GitSandbox.run("/bin/bash", [Self.script.path], in: scratch, environment: [
            "TOLLGATE_RELEASE_URL": release.absoluteString, "TOLLGATE_REF": "v\(Self.version)", "TOLLGATE_ARCH": "x86_64",
            "TOLLGATE_INSTALL_DIR": scratch.appendingPathComponent("tools").path,
            "GITHUB_ACTION_PATH": "", "GITHUB_OUTPUT": "", "GITHUB_PATH": "", "RUNNER_TOOL_CACHE": "", "RUNNER_TEMP": "",
            "TOLLGATE_REPOSITORY": "", "TOLLGATE_VERSION": "",
        ])
    }

    var installed: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("tools").path)) ?? []
    }

    /// The well-formed release installs: the hostile ones below differ from it in one thing.
    func testTheWellFormedFakeReleaseInstalls() throws {
        try fakeBinary(at: scratch.appendingPathComponent("stage/\(Self.name)/policy").path)
        let run = try install(try release("-C stage \(Self.name)"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(installed, ["policy"])
    }

    /// The tarball's top directory is a symbolic link to a directory of the runner holding a
    /// `policy`: that file passed every check and was *moved* into the tool directory.
    func testASymbolicLinkMemberIsRefusedAndNoFileOfTheRunnerIsMoved() throws {
        let outside = scratch.appendingPathComponent("runner-dir/policy").path
        try fakeBinary(at: outside)
        try sh("mkdir -p stage && ln -s '\(scratch.appendingPathComponent("runner-dir").path)' stage/\(Self.name)")
        let run = try install(try release("-C stage \(Self.name)"))
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("holds something that is not a plain file or directory: \(Self.name)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("nothing was installed"), run.stderr)
        XCTAssertEqual(installed, [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: outside), "the runner's file stays where it was")

        // A link as the binary itself, to a runner's program, is refused the same way.
        try sh("rm -rf stage && mkdir -p stage/\(Self.name) && ln -s '\(outside)' stage/\(Self.name)/policy")
        let linked = try install(try release("-C stage \(Self.name)"))
        XCTAssertEqual(linked.status, 1, linked.stderr)
        XCTAssertEqual(installed, [])
    }

    func testAPathTraversalMemberIsRefused() throws {
        try fakeBinary(at: scratch.appendingPathComponent("stage/\(Self.name)/policy").path)
        try sh("echo pwned > stage/x")
        let run = try install(try release("-C stage \(Self.name) --transform='s,^x$,../../x,' x"))
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("nothing was installed"), run.stderr)
        XCTAssertEqual(installed, [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.deletingLastPathComponent().appendingPathComponent("x").path))
    }

    /// A checksum that matches, but of a file with another name (another architecture's or
    /// version's tarball served under this name): refused.
    func testAChecksumFileListingAnotherFileNameIsRefused() throws {
        try fakeBinary(at: scratch.appendingPathComponent("stage/\(Self.name)/policy").path)
        let run = try install(try release("-C stage \(Self.name)", sumName: "*policy-9.9.9-linux-aarch64.tar.gz"))
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("is the checksum of 'policy-9.9.9-linux-aarch64.tar.gz', not of \(Self.name).tar.gz"), run.stderr)
        XCTAssertEqual(installed, [])
        // sha256sum's binary-mode marker in front of the right name is fine.
        let binaryMode = try install(try release("-C stage \(Self.name)", sumName: "*\(Self.name).tar.gz"))
        XCTAssertEqual(binaryMode.status, 0, binaryMode.stderr)
    }

    func testAnEmptyTarballIsRefused() throws {
        try sh("mkdir -p stage/empty")
        let run = try install(try release("-C stage/empty --files-from /dev/null"))
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("has no \(Self.name)/policy"), run.stderr)
        XCTAssertEqual(installed, [])
    }
}
