import Documents
import Foundation
import Policy
import XCTest

/// Every kind has valid and invalid fixtures in fixtures/documents/. Each invalid file says
/// in its header comments where the error is and what its message says
/// (`# expect-line: N`, `# expect-message: fragment`); the message must be one a user can act on.
final class DocumentFixtureTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/documents")

    func files(in folder: String) throws -> [URL] {
        let directory = Self.fixtures.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Reads a file as Tollgate does, including policy-rule validation for Policy documents.
    func problems(in url: URL) throws -> (Document?, [Diagnostic]) {
        let bytes = [UInt8](try Data(contentsOf: url))
        switch DocumentLoader.read(bytes, path: url.lastPathComponent) {
        case .notTollgate:
            XCTFail("\(url.lastPathComponent) is not read as a Tollgate document")
            return (nil, [])
        case .unreadable(let problems):
            return (nil, problems)
        case .document(let document, let problems):
            let policyProblems = document.kind == .policy && problems.isEmpty ? PolicyLoader.load([document]).diagnostics : []
            return (document, problems + policyProblems)
        }
    }

    func testValidFixturesOfEveryKindHaveNoProblems() throws {
        let valid = try files(in: "valid")
        var kinds: Set<DocumentKind> = []
        for url in valid {
            let (document, problems) = try problems(in: url)
            XCTAssertEqual(problems, [], "\(url.lastPathComponent): \(problems)")
            if let document { kinds.insert(document.kind) }
        }
        let required: Set<DocumentKind> = [.modelCard, .runManifest, .promotionRequest, .incident, .team, .policy, .config]
        XCTAssertTrue(required.isSubset(of: kinds), "missing valid fixtures for \(required.subtracting(kinds))")
    }

    func testInvalidFixturesGiveTheExpectedLocatedMessage() throws {
        let invalid = try files(in: "invalid")
        XCTAssertGreaterThanOrEqual(invalid.count, 14)
        var kindsCovered: Set<String> = []
        for url in invalid {
            let text = try String(contentsOf: url, encoding: .utf8)
            let expectLine = try XCTUnwrap(header("expect-line", in: text).flatMap(Int.init), "\(url.lastPathComponent) lacks expect-line")
            let expectMessage = try XCTUnwrap(header("expect-message", in: text), "\(url.lastPathComponent) lacks expect-message")
            let (_, problems) = try problems(in: url)
            let errors = problems.filter { $0.severity == .error }
            XCTAssertFalse(errors.isEmpty, "\(url.lastPathComponent) is accepted")
            XCTAssertTrue(errors.contains { $0.location.line == expectLine && $0.message.contains(expectMessage) },
                          "\(url.lastPathComponent): expected line \(expectLine) '\(expectMessage)', got \(errors.map(\.description))")
            XCTAssertTrue(errors.allSatisfy { $0.location.file == url.lastPathComponent && $0.location.line >= 1 && $0.location.column >= 1 })
            kindsCovered.insert(String(url.lastPathComponent.split(separator: "-").first ?? ""))
        }
        for kind in ["modelcard", "runmanifest", "promotionrequest", "incident", "team", "policy", "config"] {
            XCTAssertTrue(kindsCovered.contains(kind), "no invalid fixture for \(kind)")
        }
    }

    func header(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("# \(key):") {
            return line.dropFirst(key.count + 3).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
