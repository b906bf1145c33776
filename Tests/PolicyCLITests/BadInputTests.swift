import Foundation
import XCTest

/// Hostile and broken input gives a located finding or exit 2 with a clear message;
/// never a crash, never silent acceptance.
final class BadInputTests: XCTestCase {
    /// Adds one file to the demo and returns the check's findings for it.
    func check(adding path: String, _ data: Data, file: StaticString = #filePath, line: UInt = #line)
        throws -> (result: GitSandbox.Result, findings: [[String: Any]]) {
        let demo = try GitSandbox.demo()
        try demo.write(path, data)
        let result = try demo.policy("check", "--format", "json")
        XCTAssertTrue([0, 1].contains(result.status), "exit \(result.status): \(result.stderr)", file: file, line: line)
        let subjects = try result.json()["subjects"] as? [[String: Any]] ?? []
        let findings = subjects.filter { $0["file"] as? String == path }
            .flatMap { ($0["rules"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }
        return (result, findings)
    }

    func location(_ finding: [String: Any]) -> (String, Int, Int) {
        let location = finding["location"] as? [String: Any] ?? [:]
        return (location["file"] as? String ?? "", location["line"] as? Int ?? 0, location["column"] as? Int ?? 0)
    }

    func message(_ finding: [String: Any]) -> String { finding["message"] as? String ?? "" }

    func testMalformedYAMLIsABlockingLocatedFinding() throws {
        let yaml = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata:\n  name: broken\nspec:\n  model: [unclosed\n  version: \"1.0\"\n"
        let (result, findings) = try check(adding: "models/broken.yaml", Data(yaml.utf8))
        XCTAssertEqual(result.status, 1)
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding["severity"] as? String, "block")
        XCTAssertEqual(location(finding).0, "models/broken.yaml")
        XCTAssertGreaterThanOrEqual(location(finding).1, 6)
    }

    func testUnknownKindUnknownKeyAndWrongTypeAreLocated() throws {
        let unknownKind = "apiVersion: tollgate/v1\nkind: ModelCrad\nmetadata: {name: x}\nspec: {}\n"
        let (_, kindFindings) = try check(adding: "models/x.yaml", Data(unknownKind.utf8))
        XCTAssertTrue(message(kindFindings.first ?? [:]).contains("unknown kind 'ModelCrad' — did you mean 'ModelCard'?"), "\(kindFindings)")
        XCTAssertEqual(location(kindFindings.first ?? [:]).1, 2)

        let demo = try GitSandbox.demo()
        let run = "runs/fraud-student/run-8812.yaml"
        try demo.edit(run, replacing: "p95Ms: 28.7", with: "p95ms: 28.7")
        try demo.edit(run, replacing: "seed: 8812", with: "seed: lucky")
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 1)
        let keyLine = try demo.line(of: "p95ms", in: run)
        XCTAssertTrue(result.flat.contains("unknown key 'p95ms' in spec.serving — did you mean 'p95Ms'? (\(run):\(keyLine):5)"), result.stdout)
        let seedLine = try demo.line(of: "seed: lucky", in: run)
        XCTAssertTrue(result.flat.contains("spec.config.seed: expected an integer, found a string ('lucky') (\(run):\(seedLine):11)"), result.stdout)
        // The p95 rule fails closed on the missing value, naming the path.
        XCTAssertTrue(result.flat.contains("run.spec.serving.p95Ms is missing"), result.stdout)
    }

    func testMissingReferenceAndDuplicateNames() throws {
        let demo = try GitSandbox.demo()
        let request = "requests/fraud-student-2.1.0-production.yaml"
        try demo.edit(request, replacing: "run: run-8812", with: "run: run-8821")
        try demo.write("runs/fraud-student/copy.yaml", try demo.read("runs/fraud-teacher/run-7301.yaml"))
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 1)
        let line = try demo.line(of: "run: run-8821", in: request)
        XCTAssertTrue(result.flat.contains("spec.run refers to RunManifest 'run-8821', which does not exist — did you mean 'run-8812'? (\(request):\(line):8)"), result.stdout)
        XCTAssertTrue(result.flat.contains("RunManifest 'run-7301' is defined twice"), result.stdout)
        // Path order decides which one is "first": runs/fraud-student/ sorts before runs/fraud-teacher/.
        XCTAssertTrue(result.flat.contains("note: first defined here (runs/fraud-student/copy.yaml:4:9)"), result.stdout)
    }

    func testAliasBombIsRejectedQuickly() throws {
        var yaml = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: bomb}\nspec:\n"
        yaml += "  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (name, previous) in zip(["b", "c", "d", "e", "f", "g", "h", "i"], ["a", "b", "c", "d", "e", "f", "g", "h"]) {
            yaml += "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        XCTAssertLessThan(yaml.utf8.count, 1000)
        let start = Date()
        let (result, findings) = try check(adding: "models/bomb.yaml", Data(yaml.utf8))
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(findings.contains { message($0).contains("alias") }, "\(findings)")
        XCTAssertLessThan(elapsed, 10, "the whole check, demo included, stays fast")
    }

    func testTenThousandDeepNestingIsALocatedFinding() throws {
        let yaml = "apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: deep}\nspec:\n  x: "
            + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let (result, findings) = try check(adding: "models/deep.yaml", Data(yaml.utf8))
        XCTAssertEqual(result.status, 1)
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(location(finding).1, 5)
    }

    func testBinaryFileAndInvalidUTF8AreLocated() throws {
        var binary = Data("apiVersion: tollgate/v1\nkind: ModelCard\n".utf8)
        binary.append(contentsOf: [0x00, 0xFF, 0x13, 0x37, 0x00])
        let (binaryResult, binaryFindings) = try check(adding: "models/binary.yaml", binary)
        XCTAssertEqual(binaryResult.status, 1)
        XCTAssertEqual(location(binaryFindings.first ?? [:]).1, 3)

        var invalid = Data("apiVersion: tollgate/v1\nkind: ModelCard\nmetadata: {name: bad}\nspec:\n  description: \"caf".utf8)
        invalid.append(contentsOf: [0xC3, 0x28])
        invalid.append(Data("\"\n".utf8))
        let (invalidResult, invalidFindings) = try check(adding: "models/latin1.yaml", invalid)
        XCTAssertEqual(invalidResult.status, 1)
        let finding = try XCTUnwrap(invalidFindings.first)
        XCTAssertTrue(message(finding).contains("UTF-8"), message(finding))
        XCTAssertEqual(location(finding).1, 5)
    }

    func testYAMLThatIsNotTollgateIsIgnored() throws {
        let workflow = "name: ci\non: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n"
        let (result, findings) = try check(adding: ".github/workflows/ci.yaml", Data(workflow.utf8))
        XCTAssertEqual(result.status, 1, "still blocked by the demo's p95 only")
        XCTAssertTrue(findings.isEmpty, "\(findings)")
    }

    func testInvalidPolicyExitsTwoWithItsLocation() throws {
        let demo = try GitSandbox.demo()
        try demo.edit("policies/release-gate.yaml", replacing: "threshold: {value: run.spec.serving.p95Ms, max: 25, unit: ms}",
                      with: "threshold: {value: runs.spec.serving.p95Ms, max: 25, unit: ms}")
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        let line = try demo.line(of: "runs.spec.serving.p95Ms", in: "policies/release-gate.yaml")
        XCTAssertTrue(result.stderr.contains("policies/release-gate.yaml:\(line):"), result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean 'run'?"), result.stderr)

        try demo.edit("policies/release-gate.yaml", replacing: "runs.spec", with: "run.spec")
        try demo.edit("policies/release-gate.yaml", replacing: "threshold: {value: run.spec.serving.errorRate",
                      with: "thresold: {value: run.spec.serving.errorRate")
        let misspelt = try demo.policy("check")
        XCTAssertEqual(misspelt.status, 2)
        XCTAssertTrue(misspelt.stderr.contains("unknown key 'thresold'") && misspelt.stderr.contains("did you mean 'threshold'?"), misspelt.stderr)
    }

    func testAPolicyOutsideThePolicyDirectoryIsIgnoredWithAWarning() throws {
        let demo = try GitSandbox.demo()
        try demo.write("models/lenient.yaml", try demo.read("policies/release-gate.yaml").replacingOccurrences(of: "release-gate", with: "lenient"))
        let result = try demo.policy("check")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.flat.contains("Policy documents are read only from policies/"), result.stdout)
        XCTAssertFalse(result.flat.contains("lenient/"), result.stdout)
    }
}
