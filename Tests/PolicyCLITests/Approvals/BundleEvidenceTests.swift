import Foundation
import XCTest

/// Issue 12, "the bundle misses evidence": every document a request's rules read through a
/// link (`DocumentGraph`: the run's teacher, a named baseline) is in the bundle and its digest,
/// so changing it after the approvals makes them stale. On the DistilOps demo, whose request
/// 2.1.0-production is approved by bob and carol (signed) and whose run names teacher run-7301.
final class BundleEvidenceTests: XCTestCase {
    let request = "fraud-student-2.1.0-production"
    let teacher = "runs/fraud-teacher/run-7301.yaml"
    let signOff = "approvals/production-sign-off"

    func signOffOutcome(_ result: GitSandbox.Result) throws -> (outcome: String?, texts: String) {
        let json = try result.json()
        let subjects = try XCTUnwrap(json["subjects"] as? [[String: Any]])
        let subject = try XCTUnwrap(subjects.first { $0["name"] as? String == request }, result.stdout)
        let rules = try XCTUnwrap(subject["rules"] as? [[String: Any]])
        let rule = try XCTUnwrap(rules.first { $0["id"] as? String == signOff }, "\(rules.map { $0["id"] ?? "" })")
        let data = try JSONSerialization.data(withJSONObject: rule)
        return (rule["outcome"] as? String, String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/"))
    }

    func testChangingTheTeachersAccuracyMakesTheApprovalsStale() throws {
        let demo = try GitSandbox.demo()
        let before = try signOffOutcome(demo.policy("check", "--rev", "HEAD", "--format", "json"))
        XCTAssertEqual(before.outcome, "pass", "control: the demo's approvals count\n\(before.texts)")
        let digest = try demo.policy("digest", request).stdout

        try demo.edit(teacher, replacing: "accuracy: 0.932", with: "accuracy: 0.990")
        try demo.commitAll("Re-evaluate the teacher")
        XCTAssertNotEqual(try demo.policy("digest", request).stdout, digest, "the teacher's content is in the digest")
        let after = try demo.policy("check", "--rev", "HEAD", "--format", "json")
        XCTAssertEqual(after.status, 1)
        let rule = try signOffOutcome(after)
        XCTAssertEqual(rule.outcome, "block", rule.texts)
        XCTAssertTrue(rule.texts.contains(teacher), "the staleness names the teacher's file: \(rule.texts)")

        // The same change under review in a pull request: the request is selected by it.
        let range = try demo.policy("check", "--base", "HEAD~1", "--format", "json")
        XCTAssertEqual(try signOffOutcome(range).outcome, "block", range.stdout)
    }

    func testChangingADocumentOutsideTheBundleLeavesTheDigestAlone() throws {
        let sandbox = try ApprovalSandbox()
        let digest = try sandbox.digest()
        XCTAssertTrue(digest.hasPrefix("sha256:"))
        let run = try sandbox.repo.read(ApprovalSandbox.runFile)
        try sandbox.repo.write("runs/other.yaml", run.replacingOccurrences(of: "name: run-8812", with: "name: run-9999"))
        XCTAssertEqual(try sandbox.digest(), digest, "another run is no part of the bundle")
    }

    func testANamedBaselineIsPartOfTheBundle() throws {
        let sandbox = try ApprovalSandbox()
        let file = ApprovalSandbox.requestFile(ApprovalSandbox.request)
        let run = try sandbox.repo.read(ApprovalSandbox.runFile)
        try sandbox.repo.write("runs/run-7702.yaml", run.replacingOccurrences(of: "name: run-8812", with: "name: run-7702"))
        let requestText = try sandbox.repo.read(file)
        try sandbox.repo.write(file, requestText.replacingOccurrences(of: "  run: run-8812\n", with: "  run: run-8812\n  baseline: run-7702\n"))
        let withBaseline = try sandbox.digest()
        try sandbox.repo.edit("runs/run-7702.yaml", replacing: "accuracy: 0.897", with: "accuracy: 0.801")
        XCTAssertNotEqual(try sandbox.digest(), withBaseline, "the named baseline's content is in the digest")
    }
}
