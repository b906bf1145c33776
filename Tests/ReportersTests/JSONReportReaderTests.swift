import Documents
import Foundation
import Policy
@testable import Reporters
import XCTest

/// `policy merge-reports` renders reports read back from JSON: what is read must render, in
/// every format of the registry, the bytes the report it was written from renders.
final class JSONReportReaderTests: XCTestCase {
    typealias Fixtures = CIReportFixtures

    /// Every subject kind of the fixtures (a waived finding, notes, tags, evidence of every
    /// JSON type, a non-finite number, a decided request with a recorded verdict, a not
    /// applicable rule, a file that is no document).
    static func reports() -> [Report] {
        var rich = JSONReporterTests.richReport()
        let decided = Subject(kind: .promotionRequest, name: "fraud-student-2.0.0-production", file: "requests/released/2.0.0.yaml")
        rich.subjects.append(SubjectResult(subject: decided, rules: [], lifecycle: Lifecycle(
            status: .superseded, supersededBy: "fraud-student-2.1.0-production", gating: .decided,
            recorded: RecordedVerdict(verdict: .pass, commit: String(repeating: "ab", count: 20)))))
        var regated = SubjectResult(subject: Subject(kind: .promotionRequest, name: "r", file: "requests/r.yaml"), rules: [
            RuleEvaluation(ruleID: "lifecycle/champion-regression", description: "no regression", outcome: .pass, findings: [],
                           evidence: [Evidence(path: "champion", value: nil, location: nil)], runbook: "docs/runbooks/x.md",
                           tags: ["a"], ruleLocation: Fixtures.at("policies/l.yaml", 4, 7), check: "regression",
                           notApplicable: "first release of this model, no champion"),
        ])
        regated.lifecycle = Lifecycle(status: .released, gating: .regated)
        rich.subjects.append(regated)
        return [Fixtures.report(), Report(subjects: rich.subjects), Report(subjects: [])].map(Self.asEvaluated)
    }

    /// The fixture as the evaluator makes reports: a finding is of its rule and its subject
    /// (the fixtures attach some to others, which no check does and JSON cannot say).
    static func asEvaluated(_ report: Report) -> Report {
        Report(subjects: report.subjects.map { result in
            var result = result
            for rule in result.rules.indices {
                for finding in result.rules[rule].findings.indices {
                    result.rules[rule].findings[finding].subject = result.subject
                    result.rules[rule].findings[finding].ruleID = result.rules[rule].ruleID
                    result.rules[rule].findings[finding].runbook = result.rules[rule].runbook
                }
            }
            return result
        })
    }

    func testAReportReadBackRendersTheSameBytesInEveryFormat() throws {
        for report in Self.reports() {
            let json = JSONReporter().render(report, metadata: Fixtures.metadata)
            let read = try JSONReportReader.read(Data(json.utf8))
            XCTAssertNil(read.metadata.shard)
            XCTAssertEqual(read.metadata.documentCount, Fixtures.metadata.documentCount)
            for reporter in Reporters.all {
                let context = ReporterContext(sourceRoot: "file:///work/repo/", linkBase: "https://forge.example/o/r/blob/abc/")
                XCTAssertEqual(reporter.init(context).render(read.report, metadata: read.metadata),
                               reporter.init(context).render(report, metadata: Fixtures.metadata), "\(reporter.name)")
            }
        }
    }

    func testTheShardIsWrittenOnlyForAShardAndReadBack() throws {
        var metadata = Fixtures.metadata
        metadata.shard = Shard(index: 3, count: 4)
        let json = JSONReporter().render(Fixtures.report(), metadata: metadata)
        XCTAssertTrue(json.contains("\"shard\" : {\n    \"count\" : 4,\n    \"index\" : 3\n  },"), json)
        XCTAssertEqual(json, JSONReporter().renderEncodable(Fixtures.report(), metadata: metadata))
        XCTAssertEqual(try JSONReportReader.read(Data(json.utf8)).metadata.shard, Shard(index: 3, count: 4))
        XCTAssertFalse(JSONReporter().render(Fixtures.report(), metadata: Fixtures.metadata).contains("\"shard\""))
    }

    func testWhatIsNoReportIsRefusedWithWhereAndWhy() {
        let json = JSONReporter().render(Fixtures.report(), metadata: Fixtures.metadata)
        let cases = [
            ("[1, 2", "malformed JSON"),
            ("{}", "missing key"),
            (json.replacingOccurrences(of: "\"verdict\" : \"block\"", with: "\"verdict\" : \"maybe\""), "verdict: Cannot initialize Verdict"),
            (json.replacingOccurrences(of: "tollgate.dev/check/v1", with: "tollgate.dev/check/v2"), "schemaVersion is tollgate.dev/check/v2"),
            (json.replacingOccurrences(of: "\"kind\" : \"PromotionRequest\"", with: "\"kind\" : \"Promotion\""), "unknown kind 'Promotion'"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try JSONReportReader.read(Data(text.utf8)), message) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error) should say \(message)")
            }
        }
    }

    /// The partition is the documented hash, pinned: the first 8 bytes of SHA-256 of the key,
    /// big-endian (Python: `int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], 'big')`).
    func testTheShardOfASubjectIsTheDocumentedHash() {
        let request = Subject(kind: .promotionRequest, name: "fraud-student-2.1.0-production", file: "requests/x.yaml")
        XCTAssertEqual(Shard.key(of: request), "PromotionRequest/fraud-student-2.1.0-production")
        XCTAssertEqual(Shard.hash("PromotionRequest/fraud-student-2.1.0-production"), 8_362_720_307_282_679_420)
        XCTAssertEqual(Shard.hash("runs/broken/run-bad.yaml"), 18_039_276_192_444_814_354)
        XCTAssertEqual(Shard.index(of: request, count: 4), 1)
        XCTAssertEqual(Shard.index(of: request, count: 1000), 421)
        XCTAssertEqual(Shard.index(of: Subject(kind: nil, name: nil, file: "runs/broken/run-bad.yaml"), count: 4), 3)
        XCTAssertNil(Shard(index: 0, count: 4))
        XCTAssertNil(Shard(index: 1, count: 1001))
    }
}
