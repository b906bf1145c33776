@testable import CEL
import XCTest

/// The value of `source`, failing the test on any error.
func evaluate(_ source: String, _ bindings: [String: CELValue] = [:], functions: CELFunctions = .standard,
              limits: CELLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> CELValue? {
    do throws(CELError) {
        return try CELProgram(source, limits: limits).evaluate(bindings, functions: functions, limits: limits)
    } catch {
        XCTFail("\(source): \(error)", file: file, line: line)
        return nil
    }
}

/// The error `source` fails with (parsing or evaluating), failing the test when it succeeds.
func failure(_ source: String, _ bindings: [String: CELValue] = [:], functions: CELFunctions = .standard,
             limits: CELLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> CELError? {
    do throws(CELError) {
        let value = try CELProgram(source, limits: limits).evaluate(bindings, functions: functions, limits: limits)
        XCTFail("\(source) evaluated to \(value), expected an error", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Asserts that `source` evaluates to `expected` (structural equality: `1` is not `1u`).
func XCTAssertCEL(_ source: String, _ expected: CELValue, _ bindings: [String: CELValue] = [:],
                  file: StaticString = #filePath, line: UInt = #line) {
    guard let value = evaluate(source, bindings, file: file, line: line) else { return }
    XCTAssertEqual(value, expected, source, file: file, line: line)
}

/// Asserts that `source` fails with an error of `kind` whose message contains `fragment`.
func XCTAssertCELError(_ source: String, _ kind: CELError.Kind, _ fragment: String = "",
                       _ bindings: [String: CELValue] = [:], limits: CELLimits = .default,
                       file: StaticString = #filePath, line: UInt = #line) {
    guard let error = failure(source, bindings, limits: limits, file: file, line: line) else { return }
    XCTAssertEqual(error.kind, kind, "\(source): \(error)", file: file, line: line)
    if !fragment.isEmpty {
        XCTAssertTrue(error.message.contains(fragment), "\(source): '\(error.message)' lacks '\(fragment)'", file: file, line: line)
    }
}

/// Asserts that `source` evaluates to `expected`; `note` says why that is the right value.
func XCTAssertCEL(_ source: String, _ expected: CELValue, _ note: String,
                  file: StaticString = #filePath, line: UInt = #line) {
    guard let value = evaluate(source, file: file, line: line) else { return }
    XCTAssertEqual(value, expected, "\(source): \(note)", file: file, line: line)
}
