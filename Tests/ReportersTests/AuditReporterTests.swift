import Provenance
@testable import Reporters
import XCTest

/// The JSON audit trail is written by hand for speed and memory; it must be byte for byte
/// the `Codable` encoding of the same events.
final class AuditReporterTests: XCTestCase {
    func testStreamedTrailEqualsTheEncodableTrail() {
        let events = [
            AuditEvent(kind: .approvalAdded, commit: String(repeating: "ab", count: 20), shortCommit: "abababa",
                       author: "Bob \"B\" Ng", authorEmail: "bob@example.com", date: "2026-11-20T14:03:00Z",
                       signer: "bob", signingKey: "SHA256:xyz/+=", model: "fraud-student", request: "fraud-student-2.1.0-production",
                       file: "approvals/fraud-student-2.1.0-production/bob.yaml", summary: "bob approved as rai-reviewer; fresh\nagainst HEAD"),
            AuditEvent(kind: .merged, commit: String(repeating: "cd", count: 20), shortCommit: "cdcdcdc",
                       author: "Ålice", authorEmail: "alice@example.com", date: "2026-11-21T09:00:00Z",
                       signer: nil, signingKey: nil, model: nil, request: nil, file: nil, summary: "merged into the branch"),
        ]
        XCTAssertEqual(AuditReporter.json(events), AuditReporter.encodableJSON(events))
        XCTAssertEqual(AuditReporter.json([]), AuditReporter.encodableJSON([]))
        var pieces: [UInt8] = []
        AuditReporter.writeJSON(events) { pieces += $0 }
        XCTAssertEqual(String(decoding: pieces, as: UTF8.self), AuditReporter.json(events))
    }
}
