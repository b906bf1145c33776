import Documents
import Policy
import XCTest

final class MatchTests: XCTestCase {
    func request(to stage: String, model: String = "fraud-student", labels: String = "{team: risk}") throws -> Document {
        let yaml = "apiVersion: tollgate/v1\nkind: PromotionRequest\nmetadata: {name: r, labels: \(labels)}\nspec: {model: \(model), version: '1', from: staging, to: \(stage), run: x, modelCard: y, requestedBy: a, justification: j}\n"
        guard case .document(let document, _) = DocumentLoader.read(Array(yaml.utf8), path: "r.yaml") else { throw XCTSkip() }
        return document
    }

    func testStagesModelsAndLabels() throws {
        let match = Match(kinds: [.promotionRequest], to: ["production"], models: ["fraud-*"], labels: ["team": "risk"])
        XCTAssertTrue(match.matches(try request(to: "production")))
        XCTAssertFalse(match.matches(try request(to: "staging")))
        XCTAssertFalse(match.matches(try request(to: "production", model: "churn")))
        XCTAssertFalse(match.matches(try request(to: "production", labels: "{team: growth}")))
        XCTAssertFalse(Match(kinds: [.modelCard]).matches(try request(to: "production")))
    }

    func testVerdictWorstWins() {
        XCTAssertEqual([Verdict.pass, .block, .warn].max(), .block)
        XCTAssertEqual([Verdict.pass, .warn].max(), .warn)
        XCTAssertEqual(Report(subjects: []).verdict, .pass)
    }
}
