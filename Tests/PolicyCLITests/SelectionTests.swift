import Foundation
import XCTest

/// Which subjects a check reports: path filters that match nothing (issue 12) and the files a
/// pre-commit run names as the change (`--paths-are-changes`).
final class SelectionTests: XCTestCase {
    func testAPathFilterMatchingNoDocumentIsAToolError() throws {
        let demo = try GitSandbox.demo()
        for arguments in [["check", "models/does-not-exist"], ["check", "--rev", "HEAD", "modles/fraud-student"],
                          ["check", "--staged", "--all", "runs/nowhere"]] {
            let result = try demo.policy(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): a mistyped path must not pass the gate\n\(result.stdout)\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("no document under"), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(arguments): no verdict is printed")
        }
        let hint = try demo.policy("check", "modles/fraud-student")
        XCTAssertTrue(hint.stderr.contains("did you mean 'models/fraud-student'"), hint.stderr)
        // A filter with documents under it still works, also when none of them changed.
        let good = try demo.policy("check", "models/fraud-student")
        XCTAssertNotEqual(good.status, 2, good.stderr)
        let unchanged = try demo.policy("check", "--staged", "models/fraud-student")
        XCTAssertEqual(unchanged.status, 0, unchanged.stderr)
    }

    func testPathsAreChangesChecksEverySubjectWhenEveryFileIsNamed() throws {
        let demo = try GitSandbox.demo()
        let nothing = try demo.policy("check", "--staged", "--paths-are-changes")
        XCTAssertEqual(nothing.status, 0, nothing.stdout)
        XCTAssertTrue(nothing.flat.contains("0 subjects"), nothing.stdout)
        let files = try demo.git("ls-files", "*.yaml").split(separator: "\n").map(String.init)
        let all = try demo.policy(["check", "--staged", "--paths-are-changes"] + files)
        XCTAssertEqual(all.status, 1, all.stdout)
        XCTAssertTrue(all.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), all.stdout)
        // Naming only the run selects the request whose bundle holds it.
        let run = try demo.policy("check", "--staged", "--paths-are-changes", "runs/fraud-student/run-8812.yaml")
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.flat.contains("PromotionRequest/fraud-student-2.1.0-production"), run.stdout)
        let invalid = try demo.policy("check", "--paths-are-changes")
        XCTAssertEqual(invalid.status, 2, invalid.stderr)
    }
}

/// A change that deletes (or renames away) a document a request links to puts the request under
/// review: its broken reference blocks before the commit and in the pull request, as it does
/// under `--rev` of the result. Before, the request was not selected and the check passed with
/// 0 subjects.
final class DeletedLinkTargetTests: XCTestCase {
    let run = "runs/fraud-student/run-8812.yaml"
    let request = "PromotionRequest/fraud-student-2.1.0-production"

    func assertRequestBlocks(_ result: GitSandbox.Result, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "\(context)\n\(result.stdout)\(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stdout.contains("BLOCK  \(request)"), "\(context)\n\(result.stdout)", file: file, line: line)
        XCTAssertTrue(result.flat.contains("which does not exist"), "\(context)\n\(result.stdout)", file: file, line: line)
    }

    func testDeletingARequestsRunBlocksTheRequestInEveryMode() throws {
        let demo = try GitSandbox.demo()
        _ = try demo.policy("check", "--staged")  // warm stores, as a hook would have them
        try demo.git("rm", "-q", run)
        assertRequestBlocks(try demo.policy("check", "--staged"), "--staged, warm stores")
        assertRequestBlocks(try demo.policy("check", "--staged", "--no-cache"), "--staged --no-cache")
        try demo.commitAll("Drop the run")
        assertRequestBlocks(try demo.policy("check", "--base", "HEAD~1"), "--base")
        assertRequestBlocks(try demo.policy("check", "--rev", "HEAD"), "--rev")
    }

    func testRenamingTheTeachersRunAwayBlocksTheRequest() throws {
        let demo = try GitSandbox.demo()
        try demo.edit("runs/fraud-teacher/run-7301.yaml", replacing: "name: run-7301", with: "name: run-7301-old")
        try demo.git("add", "-A")
        let staged = try demo.policy("check", "--staged")
        XCTAssertEqual(staged.status, 1, staged.stdout)
        XCTAssertTrue(staged.stdout.contains("BLOCK  \(request)"), "the teacher is in the request's bundle\n\(staged.stdout)")
    }
}
