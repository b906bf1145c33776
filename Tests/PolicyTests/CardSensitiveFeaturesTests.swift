import Documents
import Policy
import XCTest

/// `slices: {requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}`: the features come
/// from the model card; a card that declares none is missing documentation, located at it.
final class CardSensitiveFeaturesTests: XCTestCase {
    static let check = "{metric: accuracy, against: best, requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}"
    static let run = "metrics: {accuracy: 0.9}\nslices:\n  - {name: a, feature: language, group: en, support: 10, metrics: {accuracy: 0.9}}"

    func testAnUndeclaredListBlocksAtTheCard() throws {
        let example = CheckExample("undeclared", check: Self.check, run: Self.run, card: "model: m\nversion: \"1.0.0\"", expect: .block)
        let (report, problems) = try ExampleHarness.evaluate(keyword: "slices", example: example)
        XCTAssertEqual(problems, [])
        let rule = try XCTUnwrap(report.subjects.flatMap(\.rules).first { $0.ruleID == "example/rule" })
        let finding = try XCTUnwrap(rule.findings.first)
        XCTAssertEqual(finding.location.file, "card.yaml", "located at the model card")
        XCTAssertEqual(finding.location.line, 4, "at its spec, where fairness belongs")
        XCTAssertTrue(finding.message.hasPrefix("card.spec.fairness.sensitiveFeatures is missing (card.spec has no 'fairness')"), finding.message)
        XCTAssertEqual(finding.notes.first?.location.file, "policy.yaml", "a note points at requireFeaturesFrom")
    }

    func testADeclaredFeatureWithoutSlicesIsNamedWhereTheCardDeclaresIt() throws {
        let example = CheckExample("declared", check: Self.check, run: Self.run,
                                   card: "fairness:\n  sensitiveFeatures: [language, age]", expect: .block)
        let (report, _) = try ExampleHarness.evaluate(keyword: "slices", example: example)
        let rule = try XCTUnwrap(report.subjects.flatMap(\.rules).first { $0.ruleID == "example/rule" })
        XCTAssertEqual(rule.findings.map(\.message), ["feature 'age' has no slice in run.spec.slices (features present: language)"])
        XCTAssertEqual(rule.findings.first?.notes.first?.location.file, "card.yaml", "the feature is required by the card")
    }

    func testARequireFeaturesFromThatIsNoPathIntoABoundDocumentIsAnInvalidPolicy() throws {
        for (check, problem) in [
            ("{metric: accuracy, against: best, requireFeaturesFrom: fairness.sensitiveFeatures}", "must be a path into a bound document"),
            ("{metric: accuracy, against: best, requireFeatures: [a], requireFeaturesFrom: card.spec.fairness.sensitiveFeatures}",
             "slices takes requireFeatures or requireFeaturesFrom, not both"),
        ] {
            let example = CheckExample("bad", check: check, run: Self.run, expect: .block)
            let (_, problems) = try ExampleHarness.evaluate(keyword: "slices", example: example)
            XCTAssertTrue(problems.contains { $0.message.contains(problem) && $0.location.file == "policy.yaml" }, "\(problems)")
        }
    }
}
