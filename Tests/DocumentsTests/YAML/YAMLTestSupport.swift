import Documents
import XCTest

/// The file name every test document is loaded as.
let yamlTestFile = "models/fraud/card.yaml"

func yamlLocation(_ line: Int, _ column: Int) -> SourceLocation {
    SourceLocation(file: yamlTestFile, line: line, column: column)
}

func loadYAML(_ text: String, limits: YAMLLimits = .default) throws -> [YAMLValue] {
    try YAMLLoader.load(Array(text.utf8), file: yamlTestFile, limits: limits)
}

/// The single document of `text`.
func loadYAMLDocument(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> YAMLValue {
    let documents = try loadYAML(text)
    guard documents.count == 1 else {
        XCTFail("expected one document, got \(documents.count)", file: file, line: line)
        throw YAMLError(.syntax, "not one document", at: yamlLocation(1, 1))
    }
    return documents[0]
}

/// The error loading `bytes` fails with, or `nil` (after failing the test) if it loads.
func yamlError(_ bytes: [UInt8], limits: YAMLLimits = .default, file: StaticString = #filePath, line: UInt = #line) -> YAMLError? {
    do {
        let documents = try YAMLLoader.load(bytes, file: yamlTestFile, limits: limits)
        XCTFail("expected an error, loaded \(documents.count) document(s)", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Asserts that loading fails with exactly this reason, message and location.
func assertYAMLError(
    _ text: String, limits: YAMLLimits = .default,
    _ reason: YAMLError.Reason, _ message: String, at expectedLine: Int, _ expectedColumn: Int,
    file: StaticString = #filePath, line: UInt = #line
) {
    assertYAMLError(Array(text.utf8), limits: limits, reason, message, at: expectedLine, expectedColumn, file: file, line: line)
}

func assertYAMLError(
    _ bytes: [UInt8], limits: YAMLLimits = .default,
    _ reason: YAMLError.Reason, _ message: String, at expectedLine: Int, _ expectedColumn: Int,
    file: StaticString = #filePath, line: UInt = #line
) {
    guard let error = yamlError(bytes, limits: limits, file: file, line: line) else { return }
    XCTAssertEqual(error.reason, reason, file: file, line: line)
    XCTAssertEqual(error.message, message, file: file, line: line)
    XCTAssertEqual(error.location, yamlLocation(expectedLine, expectedColumn), file: file, line: line)
    XCTAssertEqual(
        error.errorDescription, "\(yamlTestFile):\(expectedLine):\(expectedColumn): \(message)",
        file: file, line: line)
}
