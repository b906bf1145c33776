import Foundation
@testable import Workspace
import XCTest

/// Issue 12: `policy approve` loads the repository state once — the digest it writes, the
/// check that refuses a blocked bundle and the Team that says who you are come from one value.
final class ApproveLoadsOnceTests: XCTestCase {
    func testApproveResolvesTheStateOnceAndWritesTheDigestOfThatState() throws {
        let demo = try GitSandbox.demo()
        try demo.edit("runs/fraud-student/run-8812.yaml", replacing: "p95Ms: 28.7", with: "p95Ms: 24.0")
        try demo.commitSigned("Faster serving", as: "alice")
        try demo.becomeMember("erin-does-not-exist")
        try demo.becomeMember("bob")
        let expected = try demo.policy("digest", GitSandbox.request).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let workspace = try Workspace(directory: demo.root.path)
        XCTAssertEqual(workspace.stateLoads, 0)
        let record = try workspace.approve(request: GitSandbox.request, justification: "Latency fixed",
                                           role: "rai-reviewer", reject: false)
        XCTAssertEqual(workspace.stateLoads, 1, "approve loads the state once")
        XCTAssertEqual(record.digest, expected)
        XCTAssertEqual(record.member, "bob")
        XCTAssertNotNil(record.signingKey, "signed with bob's key")

        let check = try Workspace(directory: demo.root.path)
        _ = try check.check(CheckOptions(mode: .revision("HEAD")))
        XCTAssertEqual(check.stateLoads, 1, "a check loads the state once")
    }
}
