import Documents
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Policy
import Reporters
import XCTest

/// The JUnit XML report: what CI test-report views (GitLab, Jenkins, test-report actions) read.
final class JUnitReporterTests: XCTestCase {
    typealias Fixtures = CIReportFixtures

    /// Reads a JUnit file with the real `junitparser` and prints what it saw as JSON.
    static let reader = Python.imports(["junitparser"]) + """
        import json, sys
        from junitparser import JUnitXml
        xml = JUnitXml.fromfile(sys.argv[1])
        out = {"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped, "suites": []}
        for suite in xml:
            cases = []
            for case in suite:
                cases.append({"classname": case.classname, "name": case.name, "system_out": case.system_out,
                              "results": [{"tag": r._tag, "type": r.type, "message": r.message, "text": r.text} for r in case.result]})
            out["suites"].append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                                  "errors": suite.errors, "skipped": suite.skipped, "cases": cases})
        print(json.dumps(out))
        """

    struct Parsed: Decodable {
        struct Suite: Decodable {
            var name: String
            var tests: Int
            var failures: Int
            var errors: Int
            var skipped: Int
            var cases: [Case]
        }

        struct Case: Decodable {
            var classname: String
            var name: String
            var system_out: String?
            var results: [Outcome]
        }

        struct Outcome: Decodable {
            var tag: String
            var type: String?
            var message: String?
            var text: String?
        }

        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int
        var suites: [Suite]
    }

    func parseWithJunitparser(_ xml: String, file: StaticString = #filePath, line: UInt = #line) throws -> Parsed? {
        let path = try Fixtures.temporaryFile(xml, suffix: ".xml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try Python.run(Self.reader, arguments: [path])
        if let problem = Python.problem(outcome, modules: "junitparser") {
            XCTFail(problem, file: file, line: line)
            return nil
        }
        return try JSONDecoder().decode(Parsed.self, from: Data(outcome.stdout.utf8))
    }

    func testJunitparserReadsTheCountsAndTheFailures() throws {
        let xml = JUnitReporter().render(Fixtures.report(), metadata: Fixtures.metadata)
        guard let parsed = try parseWithJunitparser(xml) else { return }
        // 9 subject × rule pairs: 3 blocks fail, 1 waived rule is skipped, warnings pass.
        XCTAssertEqual([parsed.tests, parsed.failures, parsed.errors, parsed.skipped], [9, 3, 0, 1])
        XCTAssertEqual(parsed.suites.map(\.name), [
            "ModelCard/fraud-student", "policies/release-gate.yaml",
            "PromotionRequest/fraud-student-2.1.0-production", "RunManifest/run-8812", "Waiver/card-gap-q1",
        ])
        let request = try XCTUnwrap(parsed.suites.first { $0.name == "PromotionRequest/fraud-student-2.1.0-production" })
        XCTAssertEqual([request.tests, request.failures, request.errors, request.skipped], [5, 2, 0, 1])
        XCTAssertEqual(request.cases.map(\.name), ["release-gate/p95-latency", "release-gate/error-rate", "release-gate/fairness-gap",
                                                   "release-gate/card-complete", "release-gate/approvals"])
        XCTAssertTrue(request.cases.allSatisfy { $0.classname == "PromotionRequest/fraud-student-2.1.0-production" })

        let latency = try XCTUnwrap(request.cases.first { $0.name == "release-gate/p95-latency" }?.results.first)
        XCTAssertEqual(latency.tag, "failure")
        XCTAssertEqual(latency.type, "block")
        XCTAssertEqual(latency.message, "p95 latency 28.7 ms exceeds 25 ms")
        XCTAssertEqual(latency.text, """
            block: p95 latency 28.7 ms exceeds 25 ms (runs/fraud-student/run-8812.yaml:31:12)
              note: the bound max: 25 ms is set here (policies/release-gate.yaml:12:55)
              runbook: docs/runbooks/latency-regression.md
            """)

        let waived = try XCTUnwrap(request.cases.first { $0.name == "release-gate/card-complete" }?.results.first)
        XCTAssertEqual(waived.tag, "skipped")
        XCTAssertEqual(waived.message, "waived by card-gap-q1 until 2026-12-31")

        let fairness = try XCTUnwrap(request.cases.first { $0.name == "release-gate/fairness-gap" })
        XCTAssertTrue(fairness.results.isEmpty, "a warning does not fail the test report by default")
        XCTAssertEqual(fairness.system_out, """
            warn: equal-opportunity gap 0.041 on slice region=EU exceeds 0.03 | review before GA (runs/fraud-student/run-8812.yaml:47:9)
              runbook: https://wiki.example.com/runbooks/fairness
            """)
        let passing = try XCTUnwrap(request.cases.first { $0.name == "release-gate/error-rate" })
        XCTAssertTrue(passing.results.isEmpty)
        XCTAssertNil(passing.system_out)
    }

    func testWarningsFailWithFailOnWarn() throws {
        let xml = JUnitReporter(failOn: .warn).render(Fixtures.report(), metadata: Fixtures.metadata)
        guard let parsed = try parseWithJunitparser(xml) else { return }
        XCTAssertEqual([parsed.tests, parsed.failures, parsed.errors, parsed.skipped], [9, 6, 0, 1])
        let schema = try XCTUnwrap(parsed.suites.first { $0.name == "RunManifest/run-8812" }?.cases.first?.results.first)
        XCTAssertEqual(schema.tag, "failure")
        XCTAssertEqual(schema.type, "warn")
        XCTAssertEqual(schema.message, "unknown field 'p95ms' in spec.serving; did you mean 'p95Ms'?")
    }

    /// A rule whose findings were folded into the subject's one root-cause finding (its card
    /// cannot be read) keeps its block outcome; its test case must fail, not pass.
    func testARuleThatBlocksWithoutFindingsIsAFailure() throws {
        let subject = Fixtures.request
        let folded = RuleEvaluation(ruleID: "rai/intended-use", description: nil, outcome: .block, findings: [], evidence: [],
                                    runbook: nil, tags: [], ruleLocation: nil)
        let report = Report(subjects: [SubjectResult(subject: subject, rules: [folded])])
        let xml = JUnitReporter().render(report, metadata: Fixtures.metadata)
        guard let parsed = try parseWithJunitparser(xml) else { return }
        XCTAssertEqual([parsed.tests, parsed.failures], [1, 1], xml)
        let result = try XCTUnwrap(parsed.suites.first?.cases.first?.results.first, xml)
        XCTAssertEqual(result.tag, "failure")
        XCTAssertEqual(result.type, "block")
        XCTAssertTrue(result.message?.contains("not evaluated") ?? false, xml)
    }

    /// A message with quotes, markup characters, an ampersand, a line break, non-ASCII text and
    /// a control character XML cannot carry.
    static let awkward = "gap \"p95\" < 25 & 'q' > 3 — Grenzwert überschritten ⛔\nsecond line\u{7}"

    static func awkwardReport() -> Report {
        let subject = Subject(kind: .promotionRequest, name: "o'brien-<1.0>&co", file: "requests/o'brien & co.yaml")
        let finding = Finding(ruleID: "gate/\"quoted\"", subject: subject, severity: .block, message: awkward,
                              location: SourceLocation(file: "runs/ü & <x>.yaml", line: 3, column: 4))
        return Report(subjects: [SubjectResult(subject: subject, rules: [
            RuleEvaluation(ruleID: finding.ruleID, description: nil, outcome: .block, findings: [finding], evidence: [],
                           runbook: nil, tags: [], ruleLocation: nil),
        ])])
    }

    func testAwkwardTextSurvivesJunitparser() throws {
        let xml = JUnitReporter().render(Self.awkwardReport(), metadata: Fixtures.metadata)
        guard let parsed = try parseWithJunitparser(xml) else { return }
        let expected = Self.awkward.replacingOccurrences(of: "\u{7}", with: "\u{FFFD}")
        XCTAssertEqual(parsed.suites.first?.name, "PromotionRequest/o'brien-<1.0>&co")
        let testcase = try XCTUnwrap(parsed.suites.first?.cases.first)
        XCTAssertEqual(testcase.name, "gate/\"quoted\"")
        XCTAssertEqual(testcase.results.first?.message, expected)
        XCTAssertEqual(testcase.results.first?.text, "block: \(expected) (runs/ü & <x>.yaml:3:4)")
    }

    func testFoundationXMLParserReadsTheReport() throws {
        for report in [Fixtures.report(), Self.awkwardReport()] {
            let xml = JUnitReporter().render(report, metadata: Fixtures.metadata)
            let collector = ElementCollector()
            let parser = XMLParser(data: Data(xml.utf8))
            parser.delegate = collector
            XCTAssertTrue(parser.parse(), "XMLParser: \(parser.parserError.map { "\($0)" } ?? "?")\n\(xml)")
            XCTAssertEqual(collector.elements.first?.name, "testsuites")
            let testcases = collector.elements.filter { $0.name == "testcase" }
            let failures = collector.elements.filter { $0.name == "failure" }
            XCTAssertEqual(collector.elements.first?.attributes["tests"], "\(testcases.count)")
            XCTAssertEqual(collector.elements.first?.attributes["failures"], "\(failures.count)")
        }
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(JUnitReporter().render(Self.awkwardReport(), metadata: Fixtures.metadata).utf8))
        parser.delegate = collector
        XCTAssertTrue(parser.parse())
        let failure = try XCTUnwrap(collector.elements.first { $0.name == "failure" })
        XCTAssertEqual(failure.attributes["message"], Self.awkward.replacingOccurrences(of: "\u{7}", with: "\u{FFFD}"))
        XCTAssertEqual(collector.elements.first { $0.name == "testsuite" }?.attributes["name"], "PromotionRequest/o'brien-<1.0>&co")
    }

    func testExactXMLForAPassAndAFailure() {
        let xml = JUnitReporter().render(TextReporterTests.sampleReport(), metadata: TextReporterTests.metadata)
        XCTAssertEqual(xml, """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="Tollgate" tests="2" failures="1" errors="0" skipped="0">
              <testsuite name="PromotionRequest/fraud-student-2.1.0-production" tests="2" failures="1" errors="0" skipped="0">
                <properties>
                  <property name="file" value="requests/fraud-student-2.1.0-production.yaml"/>
                  <property name="verdict" value="block"/>
                  <property name="evaluated" value="working tree"/>
                </properties>
                <testcase classname="PromotionRequest/fraud-student-2.1.0-production" name="release-gate/p95-latency">
                  <failure type="block" message="p95 latency 28.7 ms exceeds 25 ms">block: p95 latency 28.7 ms exceeds 25 ms (runs/fraud-student/run-8812.yaml:31:12)
              note: the bound max: 25 ms is set here (policies/release-gate.yaml:12:55)
              runbook: docs/runbooks/latency-regression.md</failure>
                </testcase>
                <testcase classname="PromotionRequest/fraud-student-2.1.0-production" name="release-gate/error-rate"/>
              </testsuite>
            </testsuites>

            """)
    }
}

/// Collects every element with its attributes, in document order.
private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }
}
