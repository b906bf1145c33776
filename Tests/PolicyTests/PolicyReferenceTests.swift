import Foundation
import Policy
import XCTest

/// docs/policies.md is generated from the checks' own descriptions; this keeps it identical.
final class PolicyReferenceTests: XCTestCase {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/policies.md")

    func testTheCommittedReferenceMatchesTheChecks() throws {
        let generated = PolicyReference.markdown()
        if ProcessInfo.processInfo.environment["TOLLGATE_UPDATE_DOCS"] == "1" {
            try generated.write(to: Self.file, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.file, encoding: .utf8)
        XCTAssertEqual(committed, generated, "docs/policies.md is out of date: run TOLLGATE_UPDATE_DOCS=1 swift test --filter PolicyReferenceTests")
        for check in CheckRegistry.all {
            XCTAssertTrue(committed.contains("### \(check.keyword)"), check.keyword)
        }
    }
}
