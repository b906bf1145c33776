import Foundation
import XCTest

/// Compliance coverage in a real repository: the GDPR rules of docs/documents.md over a card
/// that declares personal data, counted per framework with passes as well as failures.
final class ComplianceCoverageTests: XCTestCase {
    /// The `rules:` block documented under ModelCard's `privacy`, as a policy of the demo.
    func documentedPrivacyPolicy() throws -> String {
        let doc = try String(contentsOf: GitSandbox.projectRoot.appendingPathComponent("docs/documents.md"), encoding: .utf8)
        let section = try XCTUnwrap(doc.components(separatedBy: "`privacy` is what GDPR-tagged rules read").last)
        let yaml = try XCTUnwrap(section.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let rules = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n")
        return """
            apiVersion: tollgate/v1
            kind: Policy
            metadata: {name: privacy}
            spec:
              match: {kinds: [PromotionRequest], to: [production]}
            \(rules)
            """
    }

    func testGDPRRulesReadThePrivacyDeclarationsAndCountUnderTheirFramework() throws {
        let demo = try GitSandbox.demo()
        try demo.write("policies/privacy.yaml", try documentedPrivacyPolicy())
        let card = "models/fraud-student/card.yaml"
        try demo.edit(card, replacing: "  fairness:\n", with: "  privacy:\n    personalData: true\n    anonymisation: pseudonymised\n  fairness:\n")
        try demo.commitAll("GDPR rules; the card declares personal data")

        let result = try demo.policy("check", "--format", "json")
        XCTAssertEqual(result.status, 1, result.stderr)
        let json = try result.json()
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        let frameworks = try XCTUnwrap(summary["frameworks"] as? [String: [String: Int]])
        XCTAssertEqual(frameworks["GDPR"], ["pass": 1, "warn": 0, "block": 2, "notApplicable": 0])
        // SOC 2: the demo's p95 latency, and the sign-offs the card's edit made stale.
        XCTAssertEqual(frameworks["SOC 2"]?["block"], 2)
        XCTAssertGreaterThan(frameworks["EU AI Act"]?["pass"] ?? 0, 0)
        let tags = try XCTUnwrap(summary["tags"] as? [String: [String: Any]])
        XCTAssertEqual(tags["gdpr:art-30"]?["coverage"] as? [String: Int], ["pass": 1, "warn": 0, "block": 0, "notApplicable": 0])
        XCTAssertEqual(tags["gdpr:art-6"]?["block"] as? Int, 1)
        XCTAssertEqual(tags["gdpr:art-6"]?["rules"] as? [String], ["privacy/lawful-basis"])

        // The lawful-basis finding is located at the card's declaration that decided it.
        let text = try demo.policy("check")
        let line = try XCTUnwrap(try String(contentsOf: demo.root.appendingPathComponent(card), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("personalData: true") }) + 1
        XCTAssertTrue(text.stdout.contains("""
              ✗ privacy/lawful-basis
                the card uses personal data and names no lawful basis (spec.privacy.legalBasis)
                (\(card):\(line):19)
                note: the condition is here (policies/privacy.yaml:11:13)
            """), text.stdout)
        XCTAssertTrue(text.stdout.contains("GDPR 1 pass, 2 block"), text.stdout)
        let markdown = try demo.policy("check", "--format", "markdown")
        XCTAssertTrue(markdown.stdout.contains("| GDPR | 1 | 0 | 2 | 0 |"), markdown.stdout)

        // Declaring the basis and the retention: every GDPR rule passes.
        try demo.edit(card, replacing: "    personalData: true\n", with: "    personalData: true\n    legalBasis: legitimate-interests\n    retention: P2Y\n")
        let fixed = try demo.policy("check", "--format", "json")
        let fixedFrameworks = try XCTUnwrap((try fixed.json()["summary"] as? [String: Any])?["frameworks"] as? [String: [String: Int]])
        XCTAssertEqual(fixedFrameworks["GDPR"], ["pass": 3, "warn": 0, "block": 0, "notApplicable": 0])

        // A lawful basis that is not one of GDPR's six is a located schema error.
        try demo.edit(card, replacing: "legalBasis: legitimate-interests", with: "legalBasis: because")
        let wrong = try demo.policy("check")
        XCTAssertEqual(wrong.status, 1)
        let flat = wrong.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("spec.privacy.legalBasis: 'because' must be one of consent, contract, legal-obligation, vital-interests, public-task, legitimate-interests"), wrong.stdout)
    }
}
