import Documents
import Foundation
import Policy
@testable import Reporters
import XCTest

/// The JSON report is written by hand (`JSONStreamWriter`, keys in sorted order) for speed;
/// these tests hold it to the `Codable` encoding of the same report, byte for byte.
final class JSONReporterTests: XCTestCase {
    typealias Fixtures = CIReportFixtures

    func testStreamedReportEqualsTheEncodableReportByteForByte() {
        let report = Self.richReport()
        XCTAssertEqual(JSONReporter().render(report, metadata: Fixtures.metadata),
                       JSONReporter().renderEncodable(report, metadata: Fixtures.metadata))
        XCTAssertEqual(JSONReporter().render(Fixtures.report(), metadata: Fixtures.metadata),
                       JSONReporter().renderEncodable(Fixtures.report(), metadata: Fixtures.metadata))
    }

    func testWritingInPiecesGivesTheSameBytes() {
        let report = Self.richReport()
        var pieces: [[UInt8]] = []
        JSONReporter().write(report, metadata: Fixtures.metadata) { pieces.append(Array($0)) }
        XCTAssertEqual(String(decoding: pieces.flatMap { $0 }, as: UTF8.self),
                       JSONReporter().render(report, metadata: Fixtures.metadata))
    }

    /// A report of thousands of subjects is rendered on every core, each subject into bytes of
    /// its own, a batch at a time (`JSONReporter.writeSubjects`): the bytes are those of the
    /// `Codable` encoding, with the separators between subjects and batches in place, written
    /// whole or in pieces.
    func testSubjectsRenderedApartOnEveryCoreGiveTheSameBytes() {
        var report = Self.richReport()
        let templates = report.subjects
        // Several batches, the last one partial, over a megabyte (written in pieces); subjects with and without lifecycle, evidence, findings.
        for index in 0..<(8 * JSONReporter.batchSize + 37) {
            var subject = templates[index % templates.count]
            subject.subject.name = "\(subject.subject.name ?? "file")-\(index)"
            if index % 3 == 0 {
                subject.lifecycle = Lifecycle(status: .released, supersededBy: nil, gating: .decided,
                                              recorded: index % 2 == 0 ? RecordedVerdict(verdict: .warn, commit: String(repeating: "cd", count: 20)) : nil)
            }
            report.subjects.append(subject)
        }
        XCTAssertTrue(Parallelism.isWorthThreads(report.subjects.count) || Parallelism.threads == 1)
        let rendered = JSONReporter().render(report, metadata: Fixtures.metadata)
        XCTAssertEqual(rendered, JSONReporter().renderEncodable(report, metadata: Fixtures.metadata))
        var pieces: [[UInt8]] = []
        JSONReporter().write(report, metadata: Fixtures.metadata) { pieces.append(Array($0)) }
        XCTAssertGreaterThan(pieces.count, 1, "written in pieces")
        XCTAssertEqual(String(decoding: pieces.flatMap { $0 }, as: UTF8.self), rendered)
    }

    func testReportParsesAndCarriesTheVerdictAndEvidence() throws {
        let json = JSONReporter().render(Self.richReport(), metadata: Fixtures.metadata)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["verdict"] as? String, "block")
        let subjects = try XCTUnwrap(object["subjects"] as? [[String: Any]])
        let rules = try XCTUnwrap(subjects.first?["rules"] as? [[String: Any]])
        let evidence = try XCTUnwrap(rules.last?["evidence"] as? [[String: Any]])
        let value = try XCTUnwrap(evidence.first?["value"] as? [String: Any])
        XCTAssertEqual(value["quote"] as? String, "say \"hi\"\n\tback\\slash \u{01} é ✓")
        XCTAssertEqual(value["whole"] as? Int, 2)
        XCTAssertEqual((value["tiny"] as? Double) ?? 0, 1e-7, accuracy: 1e-12)
        XCTAssertTrue(json.contains("\"whole\" : 2,"), "a whole double is written without .0")
        XCTAssertTrue(json.contains("\\u0001"), "control characters are escaped")
        XCTAssertTrue(json.contains("\"path\" : \"a/b\""), "slashes are not escaped")
    }

    /// The CI fixture plus evidence of every JSON type, keys out of order, and escapes.
    static func richReport() -> Report {
        let location = Fixtures.at("runs/r.yaml", 3, 5)
        func value(_ kind: YAMLValue.Kind) -> YAMLValue { YAMLValue(kind, at: location) }
        let map = YAMLMap([
            .init(key: "zeta", keyLocation: location, value: value(.list([value(.int(1)), value(.null), value(.bool(false))]))),
            .init(key: "quote", keyLocation: location, value: value(.string("say \"hi\"\n\tback\\slash \u{01} é ✓"))),
            .init(key: "whole", keyLocation: location, value: value(.double(2.0))),
            .init(key: "tiny", keyLocation: location, value: value(.double(1e-7))),
            .init(key: "Upper", keyLocation: location, value: value(.map(YAMLMap([
                .init(key: "b", keyLocation: location, value: value(.double(0.1))),
                .init(key: "a", keyLocation: location, value: value(.list([]))),
            ])))),
            .init(key: "path", keyLocation: location, value: value(.string("a/b"))),
            .init(key: "inf", keyLocation: location, value: YAMLValue(.double(.infinity), at: location, text: ".inf")),
        ])
        var subjects = Fixtures.report().subjects
        let tagged = Finding(ruleID: "rai/slices", subject: Fixtures.request, severity: .warn, message: "gap",
                             location: location, tags: ["eu-ai-act:art-9", "eu-ai-act:art-14", "ISO42001:A.1"])
        subjects[0].rules.append(RuleEvaluation(
            ruleID: "rai/slices", description: nil, outcome: .warn, findings: [tagged],
            evidence: [Evidence(path: "run.spec.metrics", value: value(.map(map)), location: location),
                       Evidence(path: "run.spec.missing", value: nil, location: nil)],
            runbook: nil, tags: tagged.tags, ruleLocation: location, check: "slices"))
        // Requests that state a decision: one decided (with a recorded verdict), one gated.
        subjects.append(SubjectResult(subject: Subject(kind: .promotionRequest, name: "old", file: "requests/released/old.yaml"),
                                      rules: [], lifecycle: Lifecycle(status: .superseded, supersededBy: "new", gating: .decided,
                                                                      recorded: RecordedVerdict(verdict: .pass, commit: String(repeating: "ab", count: 20)))))
        subjects.append(SubjectResult(subject: Subject(kind: .promotionRequest, name: "gone", file: "requests/gone.yaml"),
                                      rules: [], lifecycle: Lifecycle(status: .withdrawn, gating: .decisionInChange)))
        return Report(subjects: subjects)
    }
}
