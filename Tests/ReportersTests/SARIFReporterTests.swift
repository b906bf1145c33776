import Documents
import Foundation
import Policy
import Reporters
import XCTest

/// The SARIF log: what GitHub code scanning and SARIF viewers read. It must be valid against
/// the OASIS schema, or an upload is rejected.
final class SARIFReporterTests: XCTestCase {
    typealias Fixtures = CIReportFixtures

    /// The official SARIF 2.1.0 schema: `$TOLLGATE_SARIF_SCHEMA`, a copy vendored at
    /// `Tests/Fixtures/sarif/` (outside every target, so it needs no resource declaration;
    /// not `docs/schemas/`, which holds exactly Tollgate's own emitted schemas), or the shared
    /// copy of the development environment.
    static func schemaPath() -> String? {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [ProcessInfo.processInfo.environment["TOLLGATE_SARIF_SCHEMA"],
                          repository.appendingPathComponent("Tests/Fixtures/sarif/sarif-schema-2.1.0.json").path,
                          "/work/shared/sarif/sarif-schema-2.1.0.json"]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Validates with Python's jsonschema (Draft 4, as the schema declares), formats checked
    /// as far as the installed libraries allow. Prints every error and exits 1 when invalid.
    static let validator = Python.imports(["jsonschema"]) + """
        import json, sys
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        log = json.load(open(sys.argv[2], encoding="utf-8"))
        validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for error in errors:
            print("/".join(str(p) for p in error.absolute_path), ":", error.message)
        sys.exit(1 if errors else 0)
        """

    func validate(_ sarif: String, file: StaticString = #filePath, line: UInt = #line) throws -> Python.Outcome? {
        guard let schema = Self.schemaPath() else {
            XCTFail("the SARIF 2.1.0 schema is missing: set TOLLGATE_SARIF_SCHEMA or vendor it (with its LICENSE.md) at Tests/Fixtures/sarif/sarif-schema-2.1.0.json",
                    file: file, line: line)
            return nil
        }
        let path = try Fixtures.temporaryFile(sarif, suffix: ".sarif")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try Python.run(Self.validator, arguments: [schema, path])
        if outcome.status == 127 || outcome.status == Python.missingModule {
            XCTFail(Python.problem(outcome, modules: "jsonschema") ?? "", file: file, line: line)
            return nil
        }
        return outcome
    }

    func render(_ reporter: SARIFReporter = SARIFReporter()) -> String {
        reporter.render(Fixtures.report(), metadata: Fixtures.metadata)
    }

    func parse(_ sarif: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
    }

    func testRealisticReportIsValidAgainstTheOfficialSchema() throws {
        for reporter in [SARIFReporter(), SARIFReporter(sourceRoot: "file:///home/ci/work/models repo/"),
                         SARIFReporter(sourceRoot: "file:///home/ci/repo", runbookBase: "https://github.com/acme/models/blob/3f2a9c1/")] {
            guard let outcome = try validate(render(reporter)) else { return }
            XCTAssertEqual(outcome.status, 0, "SARIF is not schema-valid:\n\(outcome.stdout)\(outcome.stderr)")
        }
    }

    func testTheValidatorRejectsAnInvalidLog() throws {
        // Without this, a validator that accepts everything would make the test above pass.
        let invalid = render().replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\"")
        XCTAssertNotEqual(invalid, render())
        guard let outcome = try validate(invalid) else { return }
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stdout.contains("'fatal' is not one of"), outcome.stdout)
    }

    func testResultsCarryRuleLevelAndTheFindingsLocation() throws {
        let log = try parse(render())
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        let runs = try XCTUnwrap(log["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let run = runs[0]
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "Tollgate")
        XCTAssertEqual(driver["version"] as? String, "0.1.0")
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.compactMap { $0["id"] as? String }, [
            "document/schema", "provenance/protected-paths", "release-gate/approvals", "release-gate/card-complete",
            "release-gate/card-owner", "release-gate/error-rate", "release-gate/fairness-gap", "release-gate/p95-latency",
            "waiver/in-force",
        ])
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let expected: [(Finding, String)] = [
            // Subjects by file; within one, worst first, then by location (as the text report).
            (Fixtures.unsignedPolicyChange, "error"),
            (Fixtures.waivedCard, "error"), (Fixtures.approvalShortfall, "error"), (Fixtures.latency, "error"),
            (Fixtures.fairness, "warning"),
            (Fixtures.schemaWarning, "warning"),
            (Fixtures.expiredWaiver, "warning"),
        ]
        XCTAssertEqual(results.count, expected.count)
        for (result, (finding, level)) in zip(results, expected) {
            XCTAssertEqual(result["ruleId"] as? String, finding.ruleID)
            XCTAssertEqual(result["level"] as? String, level, finding.ruleID)
            XCTAssertEqual((result["message"] as? [String: Any])?["text"] as? String, finding.message)
            let index = try XCTUnwrap(result["ruleIndex"] as? Int)
            XCTAssertEqual(rules[index]["id"] as? String, finding.ruleID, "ruleIndex points at the rule")
            let physical = try XCTUnwrap(((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
            let artifact = try XCTUnwrap(physical["artifactLocation"] as? [String: Any])
            XCTAssertEqual(artifact["uri"] as? String, finding.location.file)
            XCTAssertEqual(artifact["uriBaseId"] as? String, "%SRCROOT%")
            let region = try XCTUnwrap(physical["region"] as? [String: Any])
            XCTAssertEqual(region["startLine"] as? Int, finding.location.line, finding.ruleID)
            XCTAssertEqual(region["startColumn"] as? Int, finding.location.column, finding.ruleID)
            let properties = try XCTUnwrap(result["properties"] as? [String: Any])
            XCTAssertEqual(properties["subject"] as? String, finding.subject.description)
            XCTAssertEqual(properties["tags"] as? [String], finding.tags.isEmpty ? nil : finding.tags)
        }
    }

    func testNotesBecomeRelatedLocationsWithTheirMessage() throws {
        let results = try XCTUnwrap((try parse(render())["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let latency = try XCTUnwrap(results.first { $0["ruleId"] as? String == "release-gate/p95-latency" })
        let related = try XCTUnwrap(latency["relatedLocations"] as? [[String: Any]])
        XCTAssertEqual(related.count, 1)
        XCTAssertEqual((related[0]["message"] as? [String: Any])?["text"] as? String, "the bound max: 25 ms is set here")
        let physical = try XCTUnwrap(related[0]["physicalLocation"] as? [String: Any])
        XCTAssertEqual((physical["artifactLocation"] as? [String: Any])?["uri"] as? String, "policies/release-gate.yaml")
        XCTAssertEqual((physical["region"] as? [String: Any])?["startLine"] as? Int, 12)
        XCTAssertEqual((physical["region"] as? [String: Any])?["startColumn"] as? Int, 55)
        XCTAssertNil(results.first { $0["ruleId"] as? String == "document/schema" }?["relatedLocations"])
    }

    func testWaivedFindingIsReportedAsSuppressedByItsWaiver() throws {
        let results = try XCTUnwrap((try parse(render())["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let waived = try XCTUnwrap(results.first { $0["ruleId"] as? String == "release-gate/card-complete" })
        let suppressions = try XCTUnwrap(waived["suppressions"] as? [[String: Any]])
        XCTAssertEqual(suppressions.count, 1)
        XCTAssertEqual(suppressions[0]["kind"] as? String, "external")
        XCTAssertEqual(suppressions[0]["justification"] as? String, "waived by card-gap-q1 until 2026-12-31")
        XCTAssertEqual(results.filter { $0["suppressions"] != nil }.count, 1, "only the waived finding is suppressed")
    }

    func testHelpURIIsAbsoluteOnlyWhenTheRunbookCanBeResolved() throws {
        func rules(_ reporter: SARIFReporter) throws -> [String: [String: Any]] {
            let run = try XCTUnwrap((try parse(render(reporter))["runs"] as? [[String: Any]])?.first)
            let list = try XCTUnwrap(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as? String ?? "", $0) })
        }
        let bare = try rules(SARIFReporter())
        XCTAssertNil(bare["release-gate/p95-latency"]?["helpUri"], "a relative runbook without a base is not a valid helpUri")
        XCTAssertEqual((bare["release-gate/p95-latency"]?["properties"] as? [String: Any])?["runbook"] as? String,
                       "docs/runbooks/latency-regression.md")
        XCTAssertTrue(((bare["release-gate/p95-latency"]?["help"] as? [String: Any])?["text"] as? String ?? "")
            .contains("Runbook: docs/runbooks/latency-regression.md"))
        XCTAssertEqual(bare["release-gate/fairness-gap"]?["helpUri"] as? String, "https://wiki.example.com/runbooks/fairness")
        XCTAssertNil(bare["document/schema"]?["helpUri"])
        XCTAssertEqual((bare["document/schema"]?["shortDescription"] as? [String: Any])?["text"] as? String,
                       Diagnostic.Code.schema.summary, "the rule's own description")
        XCTAssertEqual((bare["release-gate/p95-latency"]?["properties"] as? [String: Any])?["tags"] as? [String], ["soc2:CC8.1"])

        let browsable = try rules(SARIFReporter(sourceRoot: "file:///home/ci/repo/", runbookBase: "https://github.com/acme/models/blob/3f2a9c1"))
        XCTAssertEqual(browsable["release-gate/p95-latency"]?["helpUri"] as? String,
                       "https://github.com/acme/models/blob/3f2a9c1/docs/runbooks/latency-regression.md")
        let local = try rules(SARIFReporter(sourceRoot: "file:///home/ci/my repo/"))
        XCTAssertEqual(local["release-gate/p95-latency"]?["helpUri"] as? String,
                       "file:///home/ci/my repo/docs/runbooks/latency-regression.md".replacingOccurrences(of: " ", with: "%20"),
                       "falls back to the source root")
    }

    func testSourceRootIsDeclaredAsTheBaseOfEveryLocation() throws {
        let run = try XCTUnwrap((try parse(render(SARIFReporter(sourceRoot: "file:///home/ci/repo")))["runs"] as? [[String: Any]])?.first)
        let bases = try XCTUnwrap(run["originalUriBaseIds"] as? [String: [String: Any]])
        XCTAssertEqual(bases["%SRCROOT%"]?["uri"] as? String, "file:///home/ci/repo/")
        XCTAssertEqual(run["columnKind"] as? String, "unicodeCodePoints")
        let unset = try XCTUnwrap((try parse(render())["runs"] as? [[String: Any]])?.first?["originalUriBaseIds"] as? [String: [String: Any]])
        XCTAssertNil(unset["%SRCROOT%"]?["uri"], "left for the consumer to resolve")
    }

    func testPathsAreEncodedAsURIReferences() throws {
        let subject = Subject(kind: .runManifest, name: "r", file: "runs/q3 eval/run#1.yaml")
        let finding = Finding(ruleID: "document/yaml", subject: subject, severity: .block, message: "not YAML",
                              location: SourceLocation(file: "runs/q3 eval/run#1.yaml", line: 1, column: 1))
        let report = Report(subjects: [SubjectResult(subject: subject, rules: [
            RuleEvaluation(ruleID: "document/yaml", description: nil, outcome: .block, findings: [finding], evidence: [],
                           runbook: nil, tags: [], ruleLocation: nil),
        ])])
        let sarif = SARIFReporter().render(report, metadata: Fixtures.metadata)
        XCTAssertTrue(sarif.contains("\"uri\" : \"runs/q3%20eval/run%231.yaml\""), sarif)
        guard let outcome = try validate(sarif) else { return }
        XCTAssertEqual(outcome.status, 0, outcome.stdout)
    }

    func testOutputIsDeterministic() {
        XCTAssertEqual(render(), render())
        XCTAssertTrue(render().hasPrefix("{\n  \"$schema\" : \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/"))
    }
}
