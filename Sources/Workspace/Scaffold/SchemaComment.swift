import Foundation

/// The first line of every Tollgate document `policy init` writes: it tells editors with the
/// YAML language server (VS Code's YAML extension, JetBrains, Neovim) which JSON Schema
/// describes the file, so they complete and check it while it is typed.
enum SchemaComment {
    static let prefix = "# yaml-language-server: $schema="
    static let baseURL = "https://tollgate.dev/schemas/v1/"

    /// `# yaml-language-server: $schema=https://tollgate.dev/schemas/v1/<kind lowercased>.json`
    static func line(forKind kind: String) -> String {
        prefix + baseURL + kind.lowercased() + ".json"
    }

    /// The text with the schema comment of its kind on top, unless it already has one. The
    /// kind is read from the top-level `kind:` line; text without one is returned as it is.
    static func adding(to text: String) -> String {
        if text.hasPrefix(prefix) { return text }
        guard let kind = topLevelKind(of: text) else { return text }
        return line(forKind: kind) + "\n" + text
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
