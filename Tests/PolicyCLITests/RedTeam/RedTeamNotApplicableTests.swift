import Foundation
import TollgateTestSupport
import XCTest

/// "Not applicable" is a pass: these are the ways a change could make a blocking rule not
/// apply to a release it should judge (docs/architecture.md, "Not applicable is a pass that
/// says why"). Each must still block, and every mode must agree.
final class RedTeamNotApplicableTests: XCTestCase {
    func rule(_ id: String, of subject: String, in result: GitSandbox.Result) throws -> [String: Any]? {
        let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]], result.stdout + result.stderr)
        return subjects.first { $0["name"] as? String == subject }
            .flatMap { ($0["rules"] as? [[String: Any]])?.first { $0["id"] as? String == id } }
    }

    func messages(_ rule: [String: Any]?) -> [String] {
        ((rule?["findings"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
    }

    /// The team releases by editing the released production request in place (same
    /// metadata.name, a new run and version) instead of filing a new one. The only merged
    /// production promotion then had the request's own name, was taken for the request itself,
    /// and the champion regression was "first release of this model" — a pass, for a run 9.3
    /// points worse than the release in production.
    func testAReleasedRequestEditedIntoTheNextReleaseIsJudgedAgainstTheReleaseItRecorded() throws {
        let demo = try GitSandbox.demo()
        // Before 2.1.0's production request: 2.0.0 (run-8650, 0.893) is the only production release.
        let before = try demo.git("log", "--format=%H", "--grep=run-8812: record the checksum")
        try demo.git("checkout", "-q", "-b", "in-place", before)
        let run = try demo.read("runs/fraud-student/run-8812.yaml")
            .replacingOccurrences(of: "name: run-8812", with: "name: run-9000")
            .replacingOccurrences(of: "accuracy: 0.897", with: "accuracy: 0.80")
        try demo.write("runs/fraud-student/run-9000.yaml", run)
        let path = "requests/released/fraud-student-2.0.0-production.yaml"
        let request = try demo.read(path)
            .replacingOccurrences(of: "  status: released\n", with: "")
            .replacingOccurrences(of: "  baseline: run-7702\n", with: "")
            .replacingOccurrences(of: "run: run-8650", with: "run: run-9000")
            .replacingOccurrences(of: "version: \"2.0.0\"", with: "version: \"2.1.0\"")
            .replacingOccurrences(of: "modelCard: fraud-student-2.0.0", with: "modelCard: fraud-student-2.1.0")
        try demo.write(path, request)

        var results = [("working tree", try demo.policy("check", "--format", "json"))]
        try demo.commitSigned("fraud-student 2.1.0 to production (the request edited in place)", as: "alice")
        results.append(("--rev", try demo.policy("check", "--rev", "HEAD", "--format", "json")))
        results.append(("--base", try demo.policy("check", "--base", "HEAD~1", "--all", "--format", "json")))
        for (mode, result) in results {
            XCTAssertEqual(result.status, 1, "\(mode): \(result.stderr)")
            let regression = try rule("lifecycle/champion-regression", of: "fraud-student-2.0.0-production", in: result)
            XCTAssertEqual(regression?["outcome"] as? String, "block", "\(mode): \(String(describing: regression))")
            XCTAssertNil(regression?["notApplicable"], mode)
            XCTAssertTrue(messages(regression).contains { $0.contains("accuracy 0.8 is 0.093 (9.3 points) below the champion's 0.893 (run 'run-8650')") },
                          "\(mode): \(messages(regression))")
        }
    }

    /// The change drops the teacher from the run (`teacher: null`, or the key removed) while
    /// the model card still says the model is distilled: the gap rule was "not applicable".
    func testARunThatDropsItsTeacherWhileTheCardDeclaresOneStillBlocksInEveryMode() throws {
        let demo = try GitSandbox.demo()
        for (index, replacement) in ["  teacher: null\n", ""].enumerated() {
            let run = try demo.read("runs/fraud-student/run-8812.yaml")
            let line = try XCTUnwrap(run.split(separator: "\n", omittingEmptySubsequences: false).first { $0.hasPrefix("  teacher:") })
            try demo.write("runs/fraud-student/run-8812.yaml", run.replacingOccurrences(of: line + "\n", with: replacement))
            try demo.git("add", "-A")
            var results = [("working tree", try demo.policy("check", "--format", "json")),
                           ("--staged", try demo.policy("check", "--staged", "--all", "--format", "json"))]
            try demo.commitSigned("run-8812: no teacher (\(index))", as: "alice")
            results.append(("--rev", try demo.policy("check", "--rev", "HEAD", "--format", "json")))
            results.append(("--base", try demo.policy("check", "--base", "HEAD~1", "--all", "--format", "json")))
            for (mode, result) in results {
                let gap = try rule("lifecycle/distillation-gap", of: "fraud-student-2.1.0-production", in: result)
                XCTAssertEqual(gap?["outcome"] as? String, "block", "\(mode) \(index): \(String(describing: gap))")
                XCTAssertNil(gap?["notApplicable"], mode)
                XCTAssertTrue(messages(gap).contains { $0.contains("the run names no teacher (spec.teacher), but its model card declares one") },
                              "\(mode): \(messages(gap))")
            }
            try demo.git("reset", "-q", "--hard", "HEAD~1")
        }
    }
}
