import Foundation
import XCTest

/// Issue 12, "Incidents are per model, not per version": an Incident may name the versions it
/// affects (`spec.versions`); it then counts only for requests of those versions. One that
/// names none is model-wide and blocks every open request of the model. On the DistilOps
/// demo (the pack's `incidents/open-incidents` blocks production requests on SEV1/SEV2).
final class IncidentVersionsTests: XCTestCase {
    let file = "incidents/inc-2026-11-20-fraud-student-2-1-0.yaml"

    func openIncident(_ demo: GitSandbox, versions: String?) throws {
        try demo.write(file, """
            apiVersion: tollgate/v1
            kind: Incident
            metadata:
              name: inc-2026-11-20-fraud-student-2-1-0
            spec:
              model: fraud-student
              severity: SEV2
              status: open
              opened: 2026-11-20T08:00:00Z
              summary: Scores of 2.1.0 drift on card-present traffic.
            \(versions.map { "  versions: \($0)\n" } ?? "")
            """)
        try demo.commitSigned("Open SEV2 incident of fraud-student", as: "carol")
    }

    /// The outcome of `incidents/open-incidents` per request, and its findings' messages.
    func incidentsRule(_ demo: GitSandbox) throws -> [String: (outcome: String, messages: [String], locations: [String])] {
        // --regate: the released 2.0.0 production request is judged like an open one.
        let json = try demo.policy("check", "--rev", "HEAD", "--regate", "--format", "json").json()
        var found: [String: (String, [String], [String])] = [:]
        for subject in json["subjects"] as? [[String: Any]] ?? [] {
            guard let name = subject["name"] as? String,
                  let rule = (subject["rules"] as? [[String: Any]])?.first(where: { $0["id"] as? String == "incidents/open-incidents" })
            else { continue }
            let findings = rule["findings"] as? [[String: Any]] ?? []
            found[name] = (rule["outcome"] as? String ?? "?", findings.compactMap { $0["message"] as? String },
                           findings.compactMap { finding in
                               (finding["location"] as? [String: Any]).map { "\($0["file"] ?? ""):\($0["line"] ?? ""):\($0["column"] ?? "")" }
                           })
        }
        return found
    }

    func testAnIncidentOfOneVersionBlocksOnlyThatVersion() throws {
        let demo = try GitSandbox.demo()
        try openIncident(demo, versions: #"["2.1.0"]"#)
        let rule = try incidentsRule(demo)
        let line = try demo.line(of: "status: open", in: file)
        XCTAssertEqual(rule["fraud-student-2.1.0-production"]?.outcome, "block", "\(rule)")
        XCTAssertEqual(rule["fraud-student-2.1.0-production"]?.messages.first?.hasPrefix(
            "open SEV2 incident inc-2026-11-20-fraud-student-2-1-0 of fraud-student 2.1.0"), true, "\(rule)")
        XCTAssertEqual(rule["fraud-student-2.1.0-production"]?.locations, ["\(file):\(line):11"])
        XCTAssertEqual(rule["fraud-student-2.0.0-production"]?.outcome, "pass", "2.0.0 is not affected: \(rule)")

        // Without --regate the released 2.0.0 is decided anyway; the open 2.1.0 blocks.
        let text = try demo.policy("check", "--rev", "HEAD")
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.flat.contains("open SEV2 incident inc-2026-11-20-fraud-student-2-1-0 of fraud-student 2.1.0"), text.stdout)
    }

    func testAnIncidentThatNamesNoVersionBlocksEveryVersionOfTheModel() throws {
        let demo = try GitSandbox.demo()
        try openIncident(demo, versions: nil)
        let rule = try incidentsRule(demo)
        for request in ["fraud-student-2.1.0-production", "fraud-student-2.0.0-production"] {
            XCTAssertEqual(rule[request]?.outcome, "block", "\(request): \(rule)")
            XCTAssertEqual(rule[request]?.messages.first?.hasPrefix(
                "open SEV2 incident inc-2026-11-20-fraud-student-2-1-0 of fraud-student, every version"), true, "\(rule)")
        }
    }

    func testAnIncidentOfAnotherVersionDoesNotBlock() throws {
        let demo = try GitSandbox.demo()
        try openIncident(demo, versions: #"["1.3.0", "2.0.0"]"#)
        let rule = try incidentsRule(demo)
        XCTAssertEqual(rule["fraud-student-2.1.0-production"]?.outcome, "pass", "\(rule)")
        XCTAssertEqual(rule["fraud-student-2.0.0-production"]?.outcome, "block", "\(rule)")
    }
}
