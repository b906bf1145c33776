import Foundation
import XCTest

/// Waivers on the demo: time-boxed, approved like requests, and reported when they waive nothing.
final class WaiverTests: XCTestCase {
    func waiver(expires: String) -> String {
        """
        apiVersion: tollgate/v1
        kind: Waiver
        metadata: {name: p95-fraud-student-holiday}
        spec:
          policy: release-gate
          rule: p95-latency
          subject: fraud-student-2.1.0-production
          reason: Latency fix ships in 2.1.1; the fraud spike over the holidays needs the better recall now.
          expires: \(expires)
        """
    }

    func testAnApprovedWaiverInForceWaivesTheRule() throws {
        let demo = try GitSandbox.demo()
        try demo.write("waivers/p95-holiday.yaml", waiver(expires: "2099-01-15"))
        try demo.commitSigned("Request a waiver for p95", as: "alice")

        let unapproved = try demo.policy("check")
        XCTAssertEqual(unapproved.status, 1, unapproved.stdout)
        XCTAssertTrue(unapproved.flat.contains("waiver p95-fraud-student-holiday is not approved: it needs 1 approval as policy-owner, 0 count; it waives nothing"), unapproved.stdout)

        let digest = try demo.policy("digest", "p95-fraud-student-holiday")
        XCTAssertEqual(digest.status, 0, digest.stderr)
        try demo.approve(as: "dana", role: "policy-owner", request: "p95-fraud-student-holiday", message: "Accepted until 2.1.1")
        let waived = try demo.policy("check")
        XCTAssertEqual(waived.status, 0, waived.stdout + waived.stderr)
        XCTAssertTrue(waived.flat.contains("~ release-gate/p95-latency — waived by p95-fraud-student-holiday until 2099-01-15"), waived.stdout)
        XCTAssertTrue(waived.flat.contains("p95 latency 28.7 ms exceeds 25 ms"), waived.stdout)
        let json = try demo.policy("check", "--format", "json").json()
        XCTAssertEqual((json["summary"] as? [String: Any])?["waivedFindings"] as? Int, 1)

        // Changing the waiver after the approval makes the approval stale: it waives nothing again.
        try demo.edit("waivers/p95-holiday.yaml", replacing: "2099-01-15", with: "2099-12-31")
        try demo.commitSigned("Extend the waiver quietly", as: "alice")
        let extended = try demo.policy("check")
        XCTAssertEqual(extended.status, 1)
        XCTAssertTrue(extended.flat.contains("approval by dana is stale"), extended.stdout)
    }

    func testAnExpiredWaiverWaivesNothingAndIsReported() throws {
        let demo = try GitSandbox.demo()
        try demo.write("waivers/p95-holiday.yaml", waiver(expires: "2026-01-01"))
        try demo.commitSigned("Old waiver", as: "alice")
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.flat.contains("✗ release-gate/p95-latency"), result.stdout)
        XCTAssertTrue(result.flat.contains("! waiver/in-force"), result.stdout)
        XCTAssertTrue(result.flat.contains("waiver p95-fraud-student-holiday expired on 2026-01-01: it waives nothing"), result.stdout)
    }

    func testAWaiverForAnUnknownRuleIsReported() throws {
        let demo = try GitSandbox.demo()
        try demo.write("waivers/typo.yaml", waiver(expires: "2099-01-15").replacingOccurrences(of: "rule: p95-latency", with: "rule: p95-latncy"))
        let result = try demo.policy("check")
        XCTAssertTrue(result.flat.contains("names the rule release-gate/p95-latncy, which no policy defines — did you mean 'release-gate/p95-latency'?"), result.stdout)
    }
}
