import Foundation
import Provenance

/// Renders the audit trail (`policy audit`) as text, JSON or Markdown. Pure functions.
public enum AuditReporter {
    public static let schemaVersion = "tollgate.dev/audit/v1"

    public static func text(_ events: [AuditEvent]) -> String {
        guard !events.isEmpty else { return "no events\n" }
        return events.map { event in
            let signer = event.signer.map { "✓\($0)" } ?? (event.signingKey != nil ? "?unknown" : "unsigned")
            let scope = event.request ?? event.model ?? ""
            return "\(event.date.prefix(10))  \(event.shortCommit)  \(pad(event.author, 14)) \(pad(signer, 9)) \(pad(event.kind.rawValue, 17)) \(scope.isEmpty ? "" : scope + ": ")\(event.summary)"
        }.joined(separator: "\n") + "\n"
    }

    public static func json(_ events: [AuditEvent]) -> String {
        struct Output: Encodable {
            var schemaVersion = AuditReporter.schemaVersion
            var events: [AuditEvent]
        }
        guard let text = try? PrettyJSONEncoder.encode(Output(events: events)) else { return "{}\n" }
        return text + "\n"
    }

    public static func markdown(_ events: [AuditEvent]) -> String {
        var lines = ["## Tollgate audit trail", "", "| date | commit | author | signed by | event | subject | what |",
                     "| --- | --- | --- | --- | --- | --- | --- |"]
        for event in events {
            let signer = event.signer.map { "\($0) (`\(event.signingKey ?? "")`)" } ?? (event.signingKey.map { "unknown key `\($0)`" } ?? "unsigned")
            lines.append("| \(event.date.prefix(10)) | `\(event.shortCommit)` | \(escape(event.author)) | \(escape(signer)) | \(event.kind.rawValue) | \(escape(event.request ?? event.model ?? "")) | \(escape(event.summary)) |")
        }
        if events.isEmpty { lines.append("| | | | | | | no events |") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
