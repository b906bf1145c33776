import ArgumentParser
import Foundation
import GitKit
import Policy
import Reporters

/// `policy merge-reports`: the JSON reports of the shards of one check (`policy check
/// --shard K/N --format json=FILE`) as one report, in any format of `policy check`.
struct MergeReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-reports",
        abstract: "Combine the JSON reports of `policy check --shard K/N` into the report of the whole check.",
        discussion: """
            Reads the JSON report of every shard 1/N … N/N of one check and writes the report \
            the check unsharded writes, byte for byte, in any format of `policy check` \
            (--format, --fail-on, --color, --report-url as there). Exit codes as `policy \
            check`: 0 nothing blocks, 1 the merged verdict reaches --fail-on, 2 the reports do \
            not make one check (nothing is written): a file that is not such a report, a shard \
            missing or given twice, reports of another evaluated state, policy source, policy \
            list, document count, schema or tollgate version, a subject in two reports. SARIF \
            locations are based at the working tree of the repository containing the current \
            directory (or -C), as `policy check` bases them; outside a repository SARIF has no \
            base URI. The HTML dossier (`policy report`) needs the documents and the history, \
            which a report does not hold: run `policy report` where the repository is.

            Example (the last job of a CI matrix that ran `policy check --rev HEAD --shard K/4 \
            --format json=shard-K.json`):
              policy merge-reports shard-*.json --format sarif=tollgate.sarif --format markdown=comment.md --format text
            """
    )

    @Argument(help: ArgumentHelp("The JSON reports of the shards, one per shard, in any order.", valueName: "shard.json"))
    var reports: [String] = []

    @OptionGroup var output: ReportOutputOptions

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if reports.isEmpty { throw ValidationError("name the JSON report of every shard (policy check --shard K/N --format json=FILE)") }
    }

    func run() throws {
        var parts: [ShardMerge.Part] = []
        let merged: (report: Report, metadata: ReportMetadata)
        do {
            for file in reports {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    throw ShardMerge.Refusal("\(file): cannot be read: \((error as NSError).localizedDescription)")
                }
                parts.append(try ShardMerge.Part(file: file, data: data))
            }
            merged = try ShardMerge.merge(parts, toolVersion: PolicyCommand.version)
        } catch let refusal as ShardMerge.Refusal {
            throw ToolError("cannot merge the reports: \(refusal.description)")
        }
        // SARIF's base URI, as the check bases it: the working tree it ran in.
        let root = (try? Repository.discover(startingAt: repository.resolvedDirectory))?.workingDirectory
        try output.write(merged.report, metadata: merged.metadata, root: root)
    }
}
