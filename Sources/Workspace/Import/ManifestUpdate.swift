import Documents
import Foundation

/// A RunManifest on disk that `policy import` updates.
///
/// Only the top-level keys of `spec` whose value the import changes are rewritten; every
/// other line of the file (the envelope, other keys, their comments, blank lines) is kept
/// byte for byte. A rewritten key keeps its place; a new key goes after the last one. When
/// `spec` is not a block mapping the file is written anew and the notes say so.
struct ExistingManifest {
    var path: String
    var text: String
    var root: YAMLValue
    var specEntries: [YAMLMap.Entry]
    var spec: ManifestValue

    static func read(_ path: String) throws(ImportError) -> ExistingManifest? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError("\(path) cannot be read")
        }
        let documents: [YAMLValue]
        do {
            documents = try YAMLLoader.load(Array(data), file: path)
        } catch {
            throw ImportError("\(error.location): \(error.message): the manifest to update is not valid YAML; nothing was written")
        }
        guard documents.count == 1, let root = documents.first, root.map != nil else {
            throw ImportError("\(path) must hold one RunManifest document to be updated; nothing was written")
        }
        guard root["kind"]?.string == "RunManifest" else {
            let kind = root["kind"]?.string.map { "a \($0)" } ?? "no Tollgate document"
            throw ImportError("\(root["kind"]?.location ?? root.location): \(path) is \(kind), not a RunManifest; nothing was written")
        }
        guard let specValue = root["spec"], let specMap = specValue.map else {
            throw ImportError("\(root["spec"]?.location ?? root.location): \(path) has no spec mapping to update; nothing was written")
        }
        return ExistingManifest(path: path, text: String(decoding: data, as: UTF8.self), root: root,
                                specEntries: specMap.entries, spec: ManifestValue(specValue))
    }

    struct Update {
        var text: String
        var changed: Bool
        var summary: String
    }

    func updated(spec newSpec: ManifestValue) -> Update {
        let old = Dictionary(spec.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let replaced = newSpec.entries.filter { old[$0.key] != nil && old[$0.key] != $0.value }.map(\.key)
        let added = newSpec.entries.filter { old[$0.key] == nil }.map(\.key)
        let kept = spec.entries.map(\.key).filter { !replaced.contains($0) }
        if replaced.isEmpty && added.isEmpty {
            return Update(text: text, changed: false, summary: "\(path) already says what the run states: unchanged")
        }
        var lines = text.components(separatedBy: "\n")
        guard let ranges = blockRanges(lines: lines) else {
            var root = ManifestValue(self.root)
            root.set("spec", newSpec)
            let written = root.entries.flatMap { $0.value.lines(key: $0.key, indent: 0) }.joined(separator: "\n") + "\n"
            return Update(text: written, changed: true,
                          summary: "\(path): spec is not written as a block mapping, so the whole file was rewritten (its comments are not kept); "
                            + Self.describe(replaced: replaced, added: added, kept: kept))
        }
        var dropped = 0
        // From the bottom up, so earlier line numbers stay valid.
        var insertions: [(line: Int, lines: [String])] = []
        for key in replaced {
            guard let range = ranges.first(where: { $0.key == key }), let value = newSpec[key] else { continue }
            dropped += lines[range.lines].dropFirst().filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.count
            if lines[range.lines.lowerBound].contains(" #") { dropped += 1 }
            insertions.append((range.lines.lowerBound, value.lines(key: key, indent: range.indent)))
        }
        if !added.isEmpty, let last = ranges.last {
            let newLines = added.flatMap { key in newSpec[key].map { $0.lines(key: key, indent: last.indent) } ?? [] }
            insertions.append((last.lines.upperBound, newLines))
        }
        for insertion in insertions.sorted(by: { $0.line > $1.line }) {
            if let range = ranges.first(where: { $0.lines.lowerBound == insertion.line }), replaced.contains(range.key) {
                lines.replaceSubrange(range.lines, with: insertion.lines)
            } else {
                lines.insert(contentsOf: insertion.lines, at: insertion.line)
            }
        }
        var summary = "updated \(path): " + Self.describe(replaced: replaced, added: added, kept: kept)
        if dropped > 0 {
            summary += " (\(dropped) comment\(dropped == 1 ? "" : "s") inside the replaced keys not kept)"
        }
        return Update(text: lines.joined(separator: "\n"), changed: true, summary: summary)
    }

    private static func describe(replaced: [String], added: [String], kept: [String]) -> String {
        var parts: [String] = []
        if !replaced.isEmpty { parts.append("replaced " + replaced.map { "spec.\($0)" }.joined(separator: ", ")) }
        if !added.isEmpty { parts.append("added " + added.map { "spec.\($0)" }.joined(separator: ", ")) }
        if !kept.isEmpty { parts.append("kept as written " + kept.map { "spec.\($0)" }.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    /// Each top-level key of `spec` with the 0-based lines its block spans (from its key to
    /// its last line that is not blank or a comment) and its indentation; nil when `spec` is
    /// not a block mapping with one key per line.
    private func blockRanges(lines: [String]) -> [(key: String, lines: Range<Int>, indent: Int)]? {
        guard let specEntry = root.map?.entry("spec"), !specEntries.isEmpty else { return nil }
        // A block mapping's value starts on a later line than its key, at its first key.
        let first = specEntries[0].keyLocation
        guard first.line > specEntry.keyLocation.line else { return nil }
        let indent = first.column - 1
        guard indent > 0, specEntries.allSatisfy({ $0.keyLocation.column == first.column }) else { return nil }
        let lines0 = specEntries.map { $0.keyLocation.line - 1 }
        guard zip(lines0, lines0.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        // The spec block ends before the next top-level key after it, or at the end.
        let nextTop = root.map?.entries.map { $0.keyLocation.line - 1 }.filter { $0 > specEntry.keyLocation.line - 1 }.min()
            ?? lines.count
        var ranges: [(key: String, lines: Range<Int>, indent: Int)] = []
        for (index, entry) in specEntries.enumerated() {
            let start = lines0[index]
            var end = index + 1 < lines0.count ? lines0[index + 1] : nextTop
            while end > start + 1 {
                let trimmed = lines[end - 1].trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { end -= 1 } else { break }
            }
            ranges.append((entry.key, start..<end, indent))
        }
        return ranges
    }
}

enum ManifestUpdate {
    /// A new RunManifest: the envelope, then `spec` in the schema's order.
    static func newDocument(name: String, spec: ManifestValue) -> String {
        let order = ["model", "version", "code", "environment", "dataset", "teacher", "config", "artifacts", "metrics",
                     "slices", "serving", "drift", "source"]
        let entries = spec.entries.sorted { (order.firstIndex(of: $0.key) ?? order.count) < (order.firstIndex(of: $1.key) ?? order.count) }
        var lines = [
            "# Imported from MLflow by `policy import mlflow`; spec.source says from where.",
            "apiVersion: tollgate/v1",
            "kind: RunManifest",
            "metadata:",
            "  name: \(YAMLText.string(name))",
            "spec:",
        ]
        lines += entries.flatMap { $0.value.lines(key: $0.key, indent: 2) }
        return lines.joined(separator: "\n") + "\n"
    }
}
