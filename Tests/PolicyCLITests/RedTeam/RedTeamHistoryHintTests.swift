import Foundation
import TollgateTestSupport
import XCTest

/// A pull-request check parses, in the merged-promotion walk, only the requests that can name a
/// model the check asks about (a literal search for the model's name: docs/architecture.md,
/// "History"). YAML can spell a name without writing it literally — escapes in a double-quoted
/// scalar — so a champion written that way must still be found, and `--base` (which uses the
/// hint) must agree with `--rev` (which walks for every model). The walk reads the request as
/// it was merged, so the blob that matters is one the checked revision no longer holds.
final class RedTeamHistoryHintTests: XCTestCase {
    func testAChampionWhoseModelIsSpelledWithEscapesIsStillTheChampionInEveryMode() throws {
        let demo = try GitSandbox.demo()
        // fraud-student 2.0.5 goes to production after 2.0.0, with a better run (0.95). Its
        // request spells the model as "fraud\u002Dstudent": the same string, not the same bytes.
        let run = try demo.read("runs/fraud-student/run-8650.yaml")
            .replacingOccurrences(of: "name: run-8650", with: "name: run-8700")
            .replacingOccurrences(of: "    accuracy: 0.893", with: "    accuracy: 0.95")
        try demo.write("runs/fraud-student/run-8700.yaml", run)
        // No byte of it spells the model's name: every mention goes through an escape.
        let request = """
            apiVersion: tollgate/v1
            kind: PromotionRequest
            metadata:
              name: "fraud\\u002Dstudent-2.0.5-production"
            spec:
              status: released
              model: "fraud\\u002Dstudent"
              version: "2.0.5"
              from: staging
              to: production
              run: run-8700
              modelCard: "fraud\\u002Dstudent-2.0.0"
              baseline: run-7702
              requestedBy: alice
              justification: a better run of the same model, released after 2.0.0.

            """
        XCTAssertFalse(request.contains("fraud-student"), request)
        try demo.write("requests/released/fraud-student-2.0.5-production.yaml", request)
        try demo.commitSigned("fraud-student 2.0.5 released to production", as: "alice")
        // Later someone edits the released request in place to name the older, weaker run. A
        // request counts as it was merged (the first commit that holds it): the blob the walk
        // must read is the first one, which the checked revision no longer holds.
        try demo.write("requests/released/fraud-student-2.0.5-production.yaml",
                       request.replacingOccurrences(of: "run: run-8700", with: "run: run-8650"))
        try demo.commitSigned("2.0.5: the run named again", as: "alice")

        // A pull request that touches the 2.1.0 request (run-8812, 0.897).
        try demo.git("checkout", "-q", "-b", "touch")
        let path = "requests/fraud-student-2.1.0-production.yaml"
        try demo.write(path, try demo.read(path) + "# touched\n")
        try demo.commitSigned("touch the 2.1.0 request", as: "alice")

        for (mode, arguments) in [("--base", ["check", "--base", "main", "--format", "json"]),
                                  ("--rev", ["check", "--rev", "HEAD", "--format", "json"])] {
            let result = try demo.policy(arguments)
            XCTAssertEqual(result.status, 1, "\(mode): \(result.stderr)")
            let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]], result.stdout + result.stderr)
            let rules = subjects.first { $0["name"] as? String == "fraud-student-2.1.0-production" }?["rules"] as? [[String: Any]]
            let regression = rules?.first { $0["id"] as? String == "lifecycle/champion-regression" }
            let messages = ((regression?["findings"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
            XCTAssertEqual(regression?["outcome"] as? String, "block", "\(mode): \(String(describing: regression))")
            XCTAssertTrue(messages.contains { $0.contains("below the champion's 0.95 (run 'run-8700')") }, "\(mode): \(messages)")
        }
    }

    /// A staging request first merged for another model, then edited to name this one: whether
    /// it counts as this model's merged staging promotion must not depend on the mode. `--base`
    /// walks for the subject's model only (it never parses the first version: it does not
    /// spell the model), `--rev` for every model; both must say the same.
    func testARequestEditedToNameAnotherModelCountsTheSameInEveryMode() throws {
        let demo = try GitSandbox.demo()
        let staging = try demo.read("requests/released/fraud-student-2.1.0-staging.yaml")
        let first = staging
            .replacingOccurrences(of: "name: fraud-student-2.1.0-staging", with: "name: promo-2-2-0-staging")
            .replacingOccurrences(of: "model: fraud-student", with: "model: other-model")
            .replacingOccurrences(of: "version: \"2.1.0\"", with: "version: \"2.2.0\"")
            .replacingOccurrences(of: "modelCard: fraud-student-2.1.0", with: "modelCard: other-model-2.2.0")
            .replacingOccurrences(of: "fraud-student 2.1.0", with: "the model")
        XCTAssertFalse(first.contains("fraud-student"), first)
        try demo.write("requests/released/promo-2-2-0-staging.yaml", first)
        try demo.commitSigned("other-model 2.2.0 to staging", as: "alice")
        try demo.write("requests/released/promo-2-2-0-staging.yaml",
                       first.replacingOccurrences(of: "model: other-model", with: "model: fraud-student"))
        try demo.commitSigned("the staging request names fraud-student", as: "alice")

        try demo.git("checkout", "-q", "-b", "prod-2-2-0")
        let production = try demo.read("requests/fraud-student-2.1.0-production.yaml")
            .replacingOccurrences(of: "name: fraud-student-2.1.0-production", with: "name: fraud-student-2.2.0-production")
            .replacingOccurrences(of: "version: \"2.1.0\"", with: "version: \"2.2.0\"")
        try demo.write("requests/fraud-student-2.2.0-production.yaml", production)
        try demo.git("add", "-A")
        let staged = try demo.policy("check", "--staged", "--format", "json")
        let stagedCold = try demo.policy("check", "--staged", "--no-cache", "--format", "json")
        try demo.commitSigned("fraud-student 2.2.0 to production", as: "alice")
        var outcomes: [String: String] = [:]
        for (mode, result) in [("--staged", staged), ("--staged --no-cache", stagedCold),
                               ("--base", try demo.policy("check", "--base", "main", "--format", "json")),
                               ("--rev", try demo.policy("check", "--rev", "HEAD", "--format", "json"))] {
            let subjects = try XCTUnwrap(try result.json()["subjects"] as? [[String: Any]], "\(mode): \(result.stdout)\(result.stderr)")
            let rules = subjects.first { $0["name"] as? String == "fraud-student-2.2.0-production" }?["rules"] as? [[String: Any]]
            let transition = rules?.first { $0["id"] as? String == "lifecycle/stage-transition" }
            outcomes[mode] = transition?["outcome"] as? String
            let evidence = (transition?["evidence"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
            XCTAssertTrue(evidence.contains { $0.hasPrefix("promo-2-2-0-staging merged in ") }, "\(mode): \(String(describing: transition))")
        }
        XCTAssertEqual(Set(outcomes.values), ["pass"], "\(outcomes)")
    }
}
