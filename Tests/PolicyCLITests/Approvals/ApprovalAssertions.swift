import Foundation
import XCTest

/// What the approval scenarios assert: what a user of `policy check --format json` notices.
extension XCTestCase {
    /// The base repository with bob (rai-reviewer) and carol (approver) approving, both
    /// signed with their own ed25519 keys.
    func approvedSandbox(roles: [String: [String]] = [:]) throws -> ApprovalSandbox {
        let sandbox = try ApprovalSandbox(roles: roles)
        try sandbox.approve(by: .bob, role: "rai-reviewer")
        try sandbox.approve(by: .carol, role: "approver")
        return sandbox
    }

    // MARK: Assertions

    /// Exit 1, verdict block, the request blocked by `rule`; when given, one finding of that
    /// rule (message or notes) contains one of `fragments` and the member id.
    func assertBlocks(_ report: CheckReport, request: String = ApprovalSandbox.request, rule id: String = "approvals/sign-off",
                      anyOf fragments: [String] = [], member: String? = nil, _ context: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(report.result.status, 1, "\(context): exit code\n\(report.dump)", file: file, line: line)
        XCTAssertEqual(report.verdict, "block", "\(context): verdict", file: file, line: line)
        guard let subject = report.subject(named: request) else {
            return XCTFail("\(context): no subject PromotionRequest/\(request)\n\(report.dump)", file: file, line: line)
        }
        XCTAssertEqual(subject["verdict"] as? String, "block", "\(context): subject verdict\n\(report.dump)", file: file, line: line)
        guard let rule = CheckReport.rule(id, of: subject) else {
            return XCTFail("\(context): rule \(id) not reported for \(request)\n\(report.dump)", file: file, line: line)
        }
        XCTAssertEqual(rule["outcome"] as? String, "block", "\(context): \(id) outcome\n\(report.dump)", file: file, line: line)
        let texts = CheckReport.findingTexts(of: rule).map { $0.lowercased() }
        let relevant = fragments.isEmpty ? texts : texts.filter { text in fragments.contains { text.contains($0.lowercased()) } }
        if !fragments.isEmpty {
            XCTAssertFalse(relevant.isEmpty, "\(context): no \(id) finding mentions \(fragments)\n\(report.dump)", file: file, line: line)
        }
        if let member, !relevant.isEmpty {
            XCTAssertTrue(relevant.contains { $0.contains(member) },
                          "\(context): the \(id) finding \(fragments) does not name \(member)\n\(report.dump)", file: file, line: line)
        }
    }

    /// Exit 0, the request reported and its sign-off rule passing.
    func assertPasses(_ report: CheckReport, request: String = ApprovalSandbox.request, _ context: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(report.result.status, 0, "\(context): exit code\n\(report.dump)", file: file, line: line)
        XCTAssertNotEqual(report.verdict, "block", "\(context): verdict", file: file, line: line)
        guard let subject = report.subject(named: request) else {
            return XCTFail("\(context): no subject PromotionRequest/\(request)\n\(report.dump)", file: file, line: line)
        }
        XCTAssertEqual(subject["verdict"] as? String, "pass", "\(context): subject verdict\n\(report.dump)", file: file, line: line)
        XCTAssertEqual(CheckReport.rule("approvals/sign-off", of: subject)?["outcome"] as? String, "pass",
                       "\(context): approvals/sign-off outcome\n\(report.dump)", file: file, line: line)
    }

    /// A `provenance/protected-paths` block on the subject for `path`, naming the commit's short sha.
    func assertProtectedPathBlock(_ report: CheckReport, path: String, commit: String, _ context: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(report.result.status, 1, "\(context): exit code\n\(report.dump)", file: file, line: line)
        let short = String(commit.prefix(7))
        let rules = report.subjects(inFile: path).compactMap { CheckReport.rule("provenance/protected-paths", of: $0) }
        guard !rules.isEmpty else {
            return XCTFail("\(context): no provenance/protected-paths rule on a subject with file \(path)\n\(report.dump)", file: file, line: line)
        }
        XCTAssertTrue(rules.contains { $0["outcome"] as? String == "block" }, "\(context): outcome\n\(report.dump)", file: file, line: line)
        XCTAssertTrue(rules.flatMap(CheckReport.findingTexts(of:)).contains { $0.contains(short) },
                      "\(context): no finding names commit \(short)\n\(report.dump)", file: file, line: line)
    }
}
