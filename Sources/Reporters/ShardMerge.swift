import Foundation
import Policy

/// `policy merge-reports`: the JSON reports of the N shards of one check
/// (`policy check --format json --shard K/N`) as the one report the check unsharded would
/// have made. The shards partition the subjects (`Shard`), so the merged report is the union
/// of their subjects, sorted as every report is, with the shards' common metadata and no
/// `shard`; every format renders from it as from the unsharded check.
///
/// Reports that do not belong together are refused, naming the file: one that is not a
/// report, not a shard's, of another schema, tool version, evaluated state, policy source,
/// policy list or document count, a shard given twice or missing, a subject in two reports or
/// in a report whose shard it does not hash to.
public enum ShardMerge {
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// One shard's report as read from `file`.
    public struct Part: Sendable {
        public var file: String
        public var report: Report
        public var metadata: ReportMetadata
        public var shard: Shard

        /// Reads the JSON `data` of `file` (named in every refusal).
        public init(file: String, data: Data) throws(Refusal) {
            let read: (report: Report, metadata: ReportMetadata)
            do {
                read = try JSONReportReader.read(data)
            } catch {
                throw Refusal("\(file): \(error.description)")
            }
            guard let shard = read.metadata.shard else {
                throw Refusal("\(file): not the report of a shard (it has no `shard`: write each with `policy check --shard K/N --format json=FILE`)")
            }
            self.file = file
            self.report = read.report
            self.metadata = read.metadata
            self.shard = shard
        }
    }

    /// The merged report, or why the parts do not make one. `toolVersion`: the version of the
    /// merging binary, which renders the report and must be the one that wrote the parts.
    public static func merge(_ parts: [Part], toolVersion: String) throws(Refusal) -> (report: Report, metadata: ReportMetadata) {
        guard let first = parts.first else { throw Refusal("no reports to merge") }
        for part in parts where part.metadata.toolVersion != toolVersion {
            throw Refusal("\(part.file): written by tollgate \(part.metadata.toolVersion), this is tollgate \(toolVersion): merge with the version that checked")
        }
        for part in parts.dropFirst() {
            let differences = [
                ("shard count", "\(first.shard.count)", "\(part.shard.count)"),
                ("evaluated", first.metadata.evaluated, part.metadata.evaluated),
                ("policy source", first.metadata.policySource, part.metadata.policySource),
                ("policies", first.metadata.policies.joined(separator: ", "), part.metadata.policies.joined(separator: ", ")),
                ("documents read", "\(first.metadata.documentCount)", "\(part.metadata.documentCount)"),
            ].filter { $0.1 != $0.2 }
            if let (what, expected, found) = differences.first {
                throw Refusal("\(part.file): not a shard of the same check as \(first.file): \(what) \(found), there \(expected)")
            }
        }
        var byIndex: [Int: String] = [:]
        for part in parts {
            if let other = byIndex[part.shard.index] {
                throw Refusal("\(part.file): shard \(part.shard) is given twice (also \(other))")
            }
            byIndex[part.shard.index] = part.file
        }
        let missing = (1...first.shard.count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let given = parts.map { "\($0.file) (\($0.shard))" }.joined(separator: ", ")
            throw Refusal("shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")) missing: the reports given are \(given)")
        }
        var owner: [String: String] = [:]
        var subjects: [SubjectResult] = []
        for part in parts {
            for result in part.report.subjects {
                let key = "\(result.subject.file)\u{0}\(result.subject)"
                if let other = owner[key] {
                    throw Refusal("\(part.file): subject \(result.subject) (\(result.subject.file)) is also in \(other)")
                }
                owner[key] = part.file
                guard part.shard.contains(result.subject) else {
                    throw Refusal("\(part.file): subject \(result.subject) belongs to shard \(Shard.index(of: result.subject, count: part.shard.count))/\(part.shard.count), not \(part.shard)")
                }
                subjects.append(result)
            }
        }
        var metadata = first.metadata
        metadata.shard = nil
        return (Report(subjects: subjects), metadata)
    }
}
