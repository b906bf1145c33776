import Documents
import Foundation
import Policy

/// The first line of every Tollgate document `policy init` writes: it tells editors with the
/// YAML language server (VS Code's YAML extension, JetBrains, Neovim) which JSON Schema
/// describes the file, so they complete and check it while it is typed.
///
/// The schema is named by a path relative to the file, into the repository's own copy of the
/// schemas (`docs/schemas/`, which init writes from the binary): it resolves offline, in any
/// clone and on any forge, and it is the schema of the version of Tollgate that wrote it. A
/// schema's `$id` (`https://tollgate.dev/schemas/v1/…`) is its identifier, not a location.
enum SchemaComment {
    static let prefix = "# yaml-language-server: $schema="
    /// Where init writes the schemas, relative to the root of the working tree.
    static let directory = "docs/schemas/"

    /// The schema files init writes: one per kind, as `policy schema KIND` prints it.
    static var schemaFiles: [(path: String, contents: String)] {
        JSONSchemaExport.allKinds.map { kind in
            (directory + JSONSchemaExport.fileName(for: kind), JSONSchemaExport.schema(for: kind))
        }
    }

    /// `# yaml-language-server: $schema=<relative path>/docs/schemas/<kind lowercased>.json` for
    /// a file at `path` (relative to the root of the working tree).
    static func line(forKind kind: String, at path: String) -> String {
        prefix + relativePath(from: path, to: directory + kind.lowercased() + ".json")
    }

    /// The text with the schema comment of its kind on top, unless it already has one. The
    /// kind is read from the top-level `kind:` line; text without one is returned as it is.
    static func adding(to text: String, at path: String) -> String {
        if text.hasPrefix(prefix) { return text }
        guard let kind = topLevelKind(of: text) else { return text }
        return line(forKind: kind, at: path) + "\n" + text
    }

    /// The path of `target` as seen from the directory of `file`, both relative to the same
    /// root: `policies/rai.yaml` → `docs/schemas/policy.json` is `../docs/schemas/policy.json`.
    static func relativePath(from file: String, to target: String) -> String {
        var from = file.split(separator: "/", omittingEmptySubsequences: true).dropLast().map(String.init)
        var to = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        while let first = from.first, let other = to.first, first == other, to.count > 1 {
            from.removeFirst()
            to.removeFirst()
        }
        return (Array(repeating: "..", count: from.count) + to).joined(separator: "/")
    }

    static func topLevelKind(of text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix("kind:") {
            var value = line.dropFirst("kind:".count)
            if let hash = value.firstIndex(of: "#") { value = value[..<hash] }
            let kind = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return kind.isEmpty ? nil : kind
        }
        return nil
    }
}
