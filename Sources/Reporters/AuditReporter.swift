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
        var writer = JSONStreamWriter()
        write(events, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The JSON trail in pieces of about a megabyte: a history of 100,000 commits makes a
    /// trail of about 100 MB, which need not be held whole.
    public static func writeJSON(_ events: [AuditEvent], to sink: @escaping (ArraySlice<UInt8>) -> Void) {
        var writer = JSONStreamWriter(capacity: 1 << 20, flushingTo: sink)
        write(events, to: &writer)
        writer.flush()
    }

    /// Keys in sorted order; `AuditReporterTests` holds this to the `Codable` encoding.
    static func write(_ events: [AuditEvent], to w: inout JSONStreamWriter) {
        w.beginObject()
        w.key("events")
        w.beginArray()
        for event in events {
            w.beginObject()
            w.field("author", event.author)
            w.field("authorEmail", event.authorEmail)
            w.field("commit", event.commit)
            w.field("date", event.date)
            w.field("file", event.file)
            w.field("kind", event.kind.rawValue)
            w.field("model", event.model)
            w.field("request", event.request)
            w.field("shortCommit", event.shortCommit)
            w.field("signer", event.signer)
            w.field("signingKey", event.signingKey)
            w.field("summary", event.summary)
            w.endObject()
        }
        w.endArray()
        w.field("schemaVersion", schemaVersion)
        w.endObject()
        w.newline()
    }

    /// The trail through `Codable`: the reference `write` is tested against.
    static func encodableJSON(_ events: [AuditEvent]) -> String {
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
