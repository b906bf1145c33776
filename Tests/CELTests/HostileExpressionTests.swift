import CEL
import Foundation
import XCTest

/// Hostile expressions stop within the budget with a clear error in well under a second.
final class HostileExpressionTests: XCTestCase {
    /// Runs an expression, returning the error it stops with and the time taken.
    func run(_ source: String) -> (error: CELError?, seconds: Double) {
        let start = Date()
        do {
            let program = try CELProgram(source)
            _ = try program.evaluate([:])
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return (error, Date().timeIntervalSince(start))
        }
    }

    func testDeepNestingIsRefusedQuickly() {
        for (name, source) in [("parentheses", String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)),
                               ("lists", String(repeating: "[", count: 10_000) + "1" + String(repeating: "]", count: 10_000)),
                               ("negations", String(repeating: "!", count: 10_000) + "true")] {
            let (error, seconds) = run(source)
            XCTAssertNotNil(error, name)
            XCTAssertLessThan(seconds, 1, name)
        }
    }

    func testChainedMapBlowUpHitsTheBudget() {
        let ten = "[0,1,2,3,4,5,6,7,8,9]"
        let source = "\(ten).map(a, \(ten).map(b, \(ten).map(c, \(ten).map(d, \(ten).map(e, \(ten).map(f, \(ten)))))))"
        let (error, seconds) = run(source)
        XCTAssertEqual(error?.kind, .limit, "\(String(describing: error))")
        XCTAssertLessThan(seconds, 1)
    }

    func testCatastrophicRegexRunsInLinearTime() {
        let (error, seconds) = run("'" + String(repeating: "a", count: 5_000) + "!'.matches('(a+)+$')")
        XCTAssertNil(error, "a linear-time engine answers false, it does not give up")
        XCTAssertLessThan(seconds, 1)
        let (backreference, _) = run("'aa'.matches('(a)\\\\1')")
        XCTAssertNotNil(backreference, "back-references are refused, as RE2 refuses them")
    }

    func testStringDoublingHitsTheBudget() {
        var source = "'xxxxxxxxxxxxxxxx'"
        // CEL has no loops that accumulate, so a string can only grow with its expression: a 260 kB
        // chain of concatenations is refused by the expression-length limit before it runs.
        for _ in 0..<13 { source = "(\(source) + \(source))" }
        let (error, seconds) = run(source)
        XCTAssertNotNil(error)
        XCTAssertLessThan(seconds, 1)
    }
}
