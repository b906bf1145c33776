import ArgumentParser
import Documents
import Foundation
import Policy

/// `policy schema [KIND]`: the JSON Schema (draft 2020-12) of a document kind.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of a document kind, or list the kinds.",
        discussion: """
            Editors validate and complete documents that start with \
            `# yaml-language-server: $schema=<path to>/docs/schemas/<kind>.json`, a path \
            relative to the document: `policy init` writes the schemas into docs/schemas/ and \
            that line on top of every document it writes.
            """
    )

    @Argument(help: "The kind, e.g. ModelCard (case-insensitive). Without it, the kinds and their schema ids are listed.")
    var kind: String?

    func run() throws {
        guard let kind else {
            for kind in JSONSchemaExport.allKinds {
                print("\(kind.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(JSONSchemaExport.id(for: kind))")
            }
            return
        }
        guard let match = JSONSchemaExport.allKinds.first(where: { $0.rawValue.lowercased() == kind.lowercased() }) else {
            let names = JSONSchemaExport.allKinds.map(\.rawValue)
            throw ToolError("unknown kind '\(kind)'\(DidYouMean.hint(for: kind, among: names)); kinds are \(names.joined(separator: ", "))")
        }
        FileHandle.standardOutput.write(Data(JSONSchemaExport.schema(for: match).utf8))
    }
}
