import Foundation
import XCTest

/// Every output format from the real CLI on the demo, several in one run, each read back by
/// a real consumer (JSON Schema validator, JUnit parser) where one exists.
final class FormatTests: XCTestCase {
    func testAllFormatsInOneRun() throws {
        let demo = try GitSandbox.demo()
        let out = demo.root.deletingLastPathComponent()
        let sarif = out.appendingPathComponent("tollgate.sarif").path
        let junit = out.appendingPathComponent("tollgate.xml").path
        let markdown = out.appendingPathComponent("comment.md").path
        let summary = out.appendingPathComponent("step-summary.md").path
        let result = try demo.policy(["check", "--format", "github", "--format", "sarif=\(sarif)",
                                      "--format", "junit=\(junit)", "--format", "markdown=\(markdown)"],
                                     environment: ["GITHUB_STEP_SUMMARY": summary])
        XCTAssertEqual(result.status, 1, result.stderr)
        let line = try demo.line(of: "p95Ms: 28.7", in: "runs/fraud-student/run-8812.yaml")
        XCTAssertTrue(result.stdout.contains("::error file=runs/fraud-student/run-8812.yaml,line=\(line),col=12,title=release-gate/p95-latency::p95 latency 28.7 ms exceeds 25 ms"), result.stdout)

        // SARIF: valid against the OASIS schema, with the finding's line and column.
        let schema = GitSandbox.projectRoot.appendingPathComponent("Tests/Fixtures/sarif/sarif-schema-2.1.0.json").path
        let validate = try GitSandbox.run("/usr/bin/env", ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            jsonschema.Draft4Validator(schema).validate(doc)
            """, schema, sarif], in: out)
        XCTAssertEqual(validate.status, 0, validate.stderr)
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any])
        let results = ((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let p95 = try XCTUnwrap(results.first { $0["ruleId"] as? String == "release-gate/p95-latency" })
        let region = ((p95["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        XCTAssertEqual(region?["startLine"] as? Int, line)
        XCTAssertEqual(region?["startColumn"] as? Int, 12)
        XCTAssertEqual(p95["level"] as? String, "error")

        // JUnit: a real JUnit parser reads one failure.
        let parse = try GitSandbox.run("/usr/bin/env", ["python3", "-c", """
            import sys
            from junitparser import JUnitXml
            xml = JUnitXml.fromfile(sys.argv[1])
            failures = [c.name for s in xml for c in s if any(r._tag == 'failure' for r in c.result)]
            print(len(failures), failures[0] if failures else '')
            """, junit], in: out)
        XCTAssertEqual(parse.status, 0, parse.stderr)
        XCTAssertEqual(parse.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "1 release-gate/p95-latency")

        let comment = try String(contentsOfFile: markdown, encoding: .utf8)
        XCTAssertTrue(comment.contains("p95 latency 28.7 ms exceeds 25 ms"), comment)
        XCTAssertTrue(comment.contains("bob"), "the comment shows the approvals status:\n\(comment)")
        let stepSummary = try String(contentsOfFile: summary, encoding: .utf8)
        XCTAssertTrue(stepSummary.contains("p95 latency 28.7 ms exceeds 25 ms"), stepSummary)
    }
}
