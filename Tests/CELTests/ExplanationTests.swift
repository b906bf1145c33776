import CEL
import Foundation
import XCTest

/// `CELProgram.explain`: the data that decided a result, and the values of the parts.
final class ExplanationTests: XCTestCase {
    let run: CELValue = .map(CELMap([
        (key: .string("serving"), value: .map(CELMap([(key: .string("p95Ms"), value: .double(28.7)),
                                                       (key: .string("errorRate"), value: .double(0.012))]))),
        (key: .string("slices"), value: .list([
            .map(CELMap([(key: .string("name"), value: .string("eu")), (key: .string("support"), value: .int(41200))])),
            .map(CELMap([(key: .string("name"), value: .string("latam")), (key: .string("support"), value: .int(7570))])),
        ])),
    ]))

    func decidingPath(_ source: String, resolve: ((String) throws(CELError) -> CELValue?)? = nil) throws -> String? {
        try CELProgram(source).explain(["run": run], resolve: resolve).decidingPath
    }

    func testTheFalseTermOfAConjunctionDecides() throws {
        XCTAssertEqual(try decidingPath("run.serving.errorRate < 0.05 && run.serving.p95Ms <= 25.0"), "run.serving.p95Ms")
        XCTAssertEqual(try decidingPath("run.serving.p95Ms <= 25.0 && run.serving.errorRate < 0.05"), "run.serving.p95Ms")
        XCTAssertEqual(try decidingPath("run.serving.errorRate > 0.05 && run.serving.p95Ms <= 25.0"), "run.serving.errorRate")
    }

    func testNegationConditionalAndDisjunctionFollowTheValue() throws {
        XCTAssertEqual(try decidingPath("!(run.serving.p95Ms > 25.0)"), "run.serving.p95Ms")
        XCTAssertEqual(try decidingPath("run.serving.errorRate < 0.05 ? run.serving.p95Ms <= 25.0 : true"), "run.serving.p95Ms")
        XCTAssertEqual(try decidingPath("run.serving.p95Ms < 1.0 || run.serving.errorRate < 0.001"), "run.serving.p95Ms")
    }

    func testAllIsDecidedByItsFirstFalseElementAtTheFieldItRead() throws {
        XCTAssertEqual(try decidingPath("run.slices.all(s, s.support >= 10000)"), "run.slices.1.support")
        XCTAssertEqual(try decidingPath("run.slices[1].support >= 10000"), "run.slices.1.support")
    }

    func testALiteralConditionHasNoDecidingData() throws {
        XCTAssertNil(try decidingPath("1 > 2"))
        XCTAssertNil(try decidingPath("size('ab') > 5"))
    }

    func testPartsListTheirValuesInSourceOrderAndErrorsByMessage() throws {
        let explanation = try CELProgram("run.serving.p95Ms <= 25.0 && run.nothing > 1").explain(["run": run])
        XCTAssertEqual(explanation.parts.map(\.text), ["run.serving.p95Ms <= 25.0 && run.nothing > 1", "run.serving.p95Ms <= 25.0",
                                                       "run.serving.p95Ms", "run.nothing > 1", "run.nothing"])
        XCTAssertEqual(explanation.parts.map(\.depth), [0, 1, 2, 1, 2])
        XCTAssertEqual(explanation.parts[0].value, .bool(false))
        XCTAssertEqual(explanation.parts[2].value, .double(28.7))
        XCTAssertNil(explanation.parts[4].value)
        XCTAssertEqual(explanation.parts[4].error, "no such key: 'nothing'")
    }

    func testAHostileExpressionIsExplainedWithinOneBudget() throws {
        // Doubling lists: evaluating the parts again must stop at the same budget, not run away.
        let source = "[1].map(x, [x, x]).map(y, [y, y]).map(z, [z, z]).size() == 0 && " + Array(repeating: "1 + ", count: 50).joined() + "1 == 0"
        let limits = CELLimits(maxCost: 500)
        let start = Date()
        let explanation = try CELProgram(source).explain([:], limits: limits)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertLessThanOrEqual(explanation.parts.count, 24)
    }
}
