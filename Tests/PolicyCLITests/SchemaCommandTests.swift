import Foundation
import XCTest

/// `policy schema`: the emitted schemas are the committed ones.
final class SchemaCommandTests: XCTestCase {
    func testSchemaOfEveryKindEqualsTheCommittedFile() throws {
        let demo = try GitSandbox()
        let list = try demo.policy("schema")
        XCTAssertEqual(list.status, 0)
        let kinds = list.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(kinds.count, 10, list.stdout)
        for kind in kinds {
            let result = try demo.policy("schema", kind)
            XCTAssertEqual(result.status, 0, result.stderr)
            let committed = try String(contentsOf: GitSandbox.projectRoot.appendingPathComponent("docs/schemas/\(kind.lowercased()).json"),
                                       encoding: .utf8)
            XCTAssertEqual(result.stdout, committed, kind)
        }
        let unknown = try demo.policy("schema", "ModelCrad")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("did you mean 'ModelCard'?"), unknown.stderr)
    }
}
