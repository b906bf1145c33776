import CEL
import Foundation
import XCTest

/// Hostile expressions stop with a `.limit` error naming the exceeded limit, quickly.
final class LimitsTests: XCTestCase {
    /// Evaluates `source` (or fails to parse it), asserting it ends with a limit error that
    /// mentions `fragment`, in well under a second.
    func assertStopped(_ name: String, _ source: String, _ fragment: String, _ bindings: [String: CELValue] = [:],
                       limits: CELLimits = .default, file: StaticString = #filePath, line: UInt = #line) {
        let start = Date()
        let outcome: Result<CELValue, CELError>
        do throws(CELError) {
            outcome = .success(try CELProgram(source, limits: limits).evaluate(bindings, limits: limits))
        } catch {
            outcome = .failure(error)
        }
        let elapsed = Date().timeIntervalSince(start)
        print(String(format: "hostile %-34@ %7.1f ms  %@", name as NSString, elapsed * 1000, "\(outcome)" as NSString))
        XCTAssertLessThan(elapsed, 1.0, "\(name) took \(elapsed) s", file: file, line: line)
        guard case .failure(let error) = outcome else {
            return XCTFail("\(name) evaluated to \(outcome)", file: file, line: line)
        }
        XCTAssertEqual(error.kind, .limit, "\(name): \(error)", file: file, line: line)
        XCTAssertTrue(error.message.contains(fragment), "\(name): '\(error.message)' lacks '\(fragment)'", file: file, line: line)
    }

    let ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"

    func testDeepNestingIsRefusedByTheParser() {
        let n = 10_000
        assertStopped("parentheses x10,000", String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n), "maxDepth")
        assertStopped("lists x10,000", String(repeating: "[", count: n) + String(repeating: "]", count: n), "maxDepth")
        assertStopped("maps x10,000", String(repeating: "{1: ", count: n) + "1" + String(repeating: "}", count: n), "maxDepth")
        assertStopped("calls x10,000", String(repeating: "f(", count: n) + "1" + String(repeating: ")", count: n), "maxDepth")
        assertStopped("negations x10,000", String(repeating: "-", count: n) + "1", "maxDepth")
        assertStopped("nots x10,000", String(repeating: "!", count: n) + "true", "maxDepth")
        assertStopped("selections x10,000", "a" + String(repeating: ".b", count: n), "maxDepth")
        assertStopped("indexes x10,000", "a" + String(repeating: "[0]", count: n), "maxDepth")
        assertStopped("additions x10,000", Array(repeating: "1", count: n).joined(separator: " + "), "maxDepth")
        assertStopped("conditionals x5,000", String(repeating: "true ? 1 : ", count: 5000) + "2", "maxDepth")
        assertStopped("source of 200 KB", "'" + String(repeating: "a", count: 200_000) + "'", "maxExpressionLength")
    }

    func testChainedMacrosAreStoppedByTheBudget() {
        // langdef's own example of exponential time and space: the values share structure,
        // so they are cheap to build but exponentially large to walk.
        assertStopped("['foo','bar'].map(x, [x+x,x+x]) x30",
                      "['foo', 'bar']" + String(repeating: ".map(x, [x + x, x + x])", count: 30), "maxCost")
        assertStopped("list of 10 mapped to lists, chained",
                      ten + ".map(a, \(ten))" + String(repeating: ".map(b, b + b)", count: 20), "CELLimits.max")
        assertStopped("nested all() over 10 elements x8",
                      String(repeating: "\(ten).all(x, ", count: 8) + "true" + String(repeating: ")", count: 8), "maxIterations")
        assertStopped("langdef [0,1].all(x, …1/0) x30",
                      String(repeating: "[0, 1].all(x, ", count: 30) + "1/0 == 1" + String(repeating: ")", count: 30), "maxIterations")
        assertStopped("2,000 x 2,000 comprehension", "l.all(x, l.exists(y, x == y))", "maxIterations",
                      ["l": .list((0..<2000).map { .int(Int64($0)) })])
        assertStopped("list doubling", "[[1]]" + String(repeating: ".map(l, l + l)", count: 40), "maxCollectionSize")
    }

    func testRepeatedDoublingIsStoppedBySizeLimits() {
        assertStopped("string doubling x40", "['x']" + String(repeating: ".map(s, s + s)", count: 40), "maxStringLength")
        assertStopped("bytes doubling x40", "[b'x']" + String(repeating: ".map(s, s + s)", count: 40), "maxStringLength")
        assertStopped("doubling a 10 KB binding", "[s]" + String(repeating: ".map(a, a + a)", count: 10), "maxStringLength",
                      ["s": .string(String(repeating: "x", count: 10_000))])
        assertStopped("concatenating 200 copies of a 10k list", Array(repeating: "l", count: 200).joined(separator: " + "),
                      "maxCollectionSize", ["l": .list(Array(repeating: .int(1), count: 10_000))])
    }

    func testCatastrophicRegexIsLinear() throws {
        for pattern in ["(a+)+$", "^(a|a?)+$", "(x+x+)+y", "(.*a){12}!b"] {
            let start = Date()
            let program = try CELProgram("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('\(pattern)')")
            XCTAssertEqual(try program.evaluate(), false, pattern)
            let elapsed = Date().timeIntervalSince(start)
            print(String(format: "hostile %-34@ %7.1f ms  false", "regex \(pattern)" as NSString, elapsed * 1000))
            XCTAssertLessThan(elapsed, 0.1, pattern)
        }
        // On a long text the matcher's cost is charged before it runs.
        assertStopped("(a+)+$ on 1 MB of text", "s.matches('(a+)+$')", "maxCost",
                      ["s": .string(String(repeating: "a", count: 1_000_000) + "!")])
    }

    func testLimitsAreNotAbsorbedByLogicalOperators() {
        let blowUp = String(repeating: "\(ten).all(x, ", count: 6) + "true" + String(repeating: ")", count: 6)
        assertStopped("limit || true", "\(blowUp) || true", "maxIterations")
        assertStopped("false && … limit … exists", "[false, \(blowUp)].exists(b, b)", "maxIterations")
    }

    func testLimitsAreConfigurable() {
        let limits = CELLimits(maxCost: 50, maxIterations: 5, maxCollectionSize: 3, maxStringLength: 4)
        assertStopped("maxIterations 5", "[1, 2, 3].all(x, [1, 2].all(y, true))", "limit of 5", limits: limits)
        assertStopped("maxCollectionSize 3", "[1, 2] + [3, 4]", "limit of 3", limits: limits)
        assertStopped("maxStringLength 4", "'abc' + 'de'", "limit of 4", limits: limits)
        assertStopped("maxCost 50", Array(repeating: "1", count: 60).joined(separator: " == 1 && ") + " == 1", "limit of 50", limits: limits)
        XCTAssertEqual(try CELProgram("[1, 2].all(x, x > 0)").evaluate(limits: limits), true)
    }

    /// A thread with a small stack gets an error, not a crash, where the main thread's
    /// 8 MiB stack suffices.
    func testSmallThreadStacksGetAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 240) + "1" + String(repeating: "]", count: 240)
        let sum = Array(repeating: "1", count: 240).joined(separator: " + ")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcomes: [String] = []
        let thread = Thread {
            for source in [deep, sum] {
                do throws(CELError) {
                    outcomes.append("value \(try CELProgram(source).evaluate().description.prefix(8))")
                } catch {
                    outcomes.append("\(error.kind): \(error.message)")
                }
            }
            done.signal()
        }
        thread.stackSize = 192 * 1024
        thread.start()
        done.wait()
        XCTAssertEqual(outcomes.count, 2)
        for outcome in outcomes {
            XCTAssertTrue(outcome.hasPrefix("value") || outcome.contains("stack"), outcome)
        }
        XCTAssertEqual(try CELProgram(deep).evaluate().description.prefix(3), "[[[")
        XCTAssertEqual(try CELProgram(sum).evaluate(), 240)
    }
}
