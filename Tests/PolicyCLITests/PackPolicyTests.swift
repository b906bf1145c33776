import Foundation
import XCTest

/// The default pack's own PolicyTest cases (policies/tests/): copied into the DistilOps demo,
/// `policy test policies/tests --threshold 90` passes every case and reports a rule coverage
/// of at least 90 %. Every rule is seen blocking, and every rule but the approvals ones is
/// seen passing: an approval counts only when signed history proves it, which a PolicyTest
/// case cannot state (policies/tests/approvals.yaml), so its passing side is left to the
/// scenario tests on real signed repositories (Approvals/, DemoTests, PackTests).
final class PackPolicyTests: XCTestCase {
    static let tests = GitSandbox.projectRoot.appendingPathComponent("policies/tests")

    /// The demo with policies/tests copied into its working tree (not committed: `policy test`
    /// reads the working tree).
    func demoWithTheTests() throws -> GitSandbox {
        let demo = try GitSandbox.demo()
        let target = demo.root.appendingPathComponent("policies/tests")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "history.sh leaves policies/tests out")
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: Self.tests, to: target)
        return demo
    }

    func testThePackPolicyTestsPassWithCoverageOfAtLeast90Percent() throws {
        let demo = try demoWithTheTests()
        let result = try demo.policy("test", "policies/tests", "--threshold", "90")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.components(separatedBy: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("FAIL") }, [], result.stdout)

        // "34 cases in 8 tests: 34 passed, 0 failed"
        let summary = try XCTUnwrap(lines.first { $0.contains(" cases in ") && $0.contains(" passed, ") }, result.stdout)
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        XCTAssertEqual(numbers.count, 4, summary)
        if numbers.count == 4 {
            let (cases, tests, passed, failed) = (numbers[0], numbers[1], numbers[2], numbers[3])
            XCTAssertGreaterThan(cases, 0, summary)
            XCTAssertEqual(passed, cases, summary)
            XCTAssertEqual(failed, 0, summary)
            XCTAssertEqual(lines.filter { $0.hasPrefix("PASS  ") }.count, cases, result.stdout)
            // One PolicyTest per policy of the pack, and one starter test per `policy init` profile.
            let policies = Set(try PackTests.packRules().map { String($0.id.prefix { $0 != "/" }) })
            XCTAssertEqual(tests, policies.count + 3, summary)
            for policy in policies {
                XCTAssertTrue(FileManager.default.fileExists(atPath: Self.tests.appendingPathComponent("\(policy).yaml").path),
                              "policies/tests/\(policy).yaml: no PolicyTest for policy \(policy)")
            }
        }

        // "rule coverage: 97.6% (each rule seen failing and passing)"
        let coverageLine = try XCTUnwrap(lines.first { $0.hasPrefix("rule coverage: ") }, result.stdout)
        let figure = coverageLine.dropFirst("rule coverage: ".count).prefix { $0 != "%" }
        let coverage = try XCTUnwrap(Double(figure), coverageLine)
        XCTAssertGreaterThanOrEqual(coverage, 90, result.stdout)

        // The table under it: every rule of the pack blocks in some case; only approvals
        // rules may lack a passing case.
        for rule in try PackTests.packRules().map(\.id) {
            let row = try XCTUnwrap(lines.first { $0.hasPrefix("  \(rule) ") }, "\(rule) is not in the coverage table:\n\(result.stdout)")
            XCTAssertTrue(row.contains("blocks ✓"), "no case sees \(rule) failing: \(row)")
            if !rule.hasPrefix("approvals/") {
                XCTAssertTrue(row.contains("passes ✓"), "no case sees \(rule) passing: \(row)")
            }
        }
    }

    /// The fixtures live under policies/, so they are never subjects: with the tests copied
    /// in, the demo's check still judges its four requests and blocks for p95 alone.
    func testTheFixturesAreNotSubjectsOfTheCheck() throws {
        let demo = try demoWithTheTests()
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.flat.contains("4 subjects · 1 blocked, 0 warned, 3 passed · 1 blocking reason, 0 warnings"), result.stdout)
        XCTAssertTrue(result.stdout.contains("release-gate/p95-latency"), result.stdout)
        XCTAssertFalse(result.stdout.contains("policies/tests/"), result.stdout)
    }
}
