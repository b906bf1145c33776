import Foundation
import TollgateTestSupport
import XCTest

/// A new user's first steps and the card-declared sensitive features, tried with the inputs
/// people get wrong: an existing Config that protects nothing, a card whose feature list is
/// not a list of names.
final class RedTeamAdoptionTests: XCTestCase {
    // MARK: - policy init

    /// A repository that already has a Config with its own policy directory and no `protect`:
    /// init wrote the pack there and told the user ".tollgate.yaml and governance/ are
    /// protected" — a false statement about who can change the rules.
    func testInitOverAConfigThatProtectsNothingSaysSoInsteadOfClaimingProtection() throws {
        let sandbox = try GitSandbox()
        try sandbox.write(".tollgate.yaml", "apiVersion: tollgate/v1\nkind: Config\nmetadata: {name: acme}\nspec:\n  policies: [governance/]\n")
        let first = try sandbox.policy("init", "--profile", "minimal")
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("created  governance/release-gate.yaml"), first.stdout)
        XCTAssertFalse(first.flat.contains("governance/ are protected"), first.stdout)
        XCTAssertTrue(first.flat.contains("Your .tollgate.yaml does not protect governance/ and itself, so anyone can change the policies: add `- {paths: [\"governance/**\", \".tollgate.yaml\"], role: policy-owner}` to its spec.protect"),
                      first.stdout)
        let test = try sandbox.policy("test", "governance/tests")
        XCTAssertEqual(test.status, 0, test.stdout + test.stderr)

        // A Config that protects them: the statement is true and init makes it.
        let protected = try GitSandbox()
        try protected.write(".tollgate.yaml", "apiVersion: tollgate/v1\nkind: Config\nmetadata: {name: acme}\nspec:\n  policies: [governance/]\n  protect:\n    - {paths: [\"governance/**\", \".tollgate.yaml\"], role: policy-owner}\n")
        let again = try protected.policy("init", "--profile", "minimal")
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.flat.contains(".tollgate.yaml and governance/ are protected"), again.stdout)

        // A fresh repository: init writes the Config that protects them.
        let fresh = try GitSandbox()
        let created = try fresh.policy("init", "--profile", "minimal")
        XCTAssertTrue(created.flat.contains(".tollgate.yaml and policies/ are protected"), created.stdout)
    }

    // MARK: - Card-declared sensitive features

    func sliceFeatures(_ demo: GitSandbox, declared: String) throws -> GitSandbox.Result {
        try demo.edit("models/fraud-student/card.yaml", replacing: "sensitiveFeatures: [region, account_age]", with: "sensitiveFeatures: \(declared)")
        defer { try? demo.edit("models/fraud-student/card.yaml", replacing: "sensitiveFeatures: \(declared)", with: "sensitiveFeatures: [region, account_age]") }
        return try demo.policy("check", "--color", "never")
    }

    /// Every malformed declaration blocks at the card, and says what it found once.
    func testMalformedFeatureDeclarationsBlockAtTheCardWithOneDescription() throws {
        let demo = try GitSandbox.demo()
        let line = try demo.line(of: "sensitiveFeatures:", in: "models/fraud-student/card.yaml")
        let cases = [
            ("region", "must be a list of feature names, found a string 'region' (models/fraud-student/card.yaml:\(line):24)"),
            ("{region: 1}", "must be a list of feature names, found a mapping (models/fraud-student/card.yaml:\(line):24)"),
            ("[region, null]", "must be a list of feature names, found a list whose entry null (models/fraud-student/card.yaml:\(line):33) is not a feature name"),
            ("[Region, account_age]", "feature 'Region' has no slice in run.spec.slices (features present: region, account_age)"),
        ]
        for (declared, message) in cases {
            let result = try sliceFeatures(demo, declared: declared)
            XCTAssertEqual(result.status, 1, declared)
            XCTAssertTrue(result.flat.contains("✗ fairness/slice-features"), "\(declared): \(result.stdout)")
            XCTAssertTrue(result.flat.contains(message), "\(declared): \(result.stdout)")
            XCTAssertFalse(result.flat.contains("a mapping a mapping") || result.flat.contains("a list a list"), result.stdout)
        }
        // `[]` declares that the model has none (decided): the rule passes.
        let none = try sliceFeatures(demo, declared: "[]")
        XCTAssertFalse(none.flat.contains("✗ fairness/slice-features"), none.stdout)
    }
}
