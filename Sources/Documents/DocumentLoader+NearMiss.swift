import Foundation

/// Files that are *almost* Tollgate documents. A YAML file without `apiVersion: tollgate/v1`
/// is not a Tollgate document and is ignored (SPEC §1), but one that was surely meant to be
/// one must not vanish in silence: its rules would not run and the gate would pass. These
/// are the near misses, each an error located where the fix goes:
///
/// - an apiVersion that resembles `tollgate/v1` (`tolgate/v1`, `Tollgate/v1`,
///   `tollgate.dev/v1`), at the apiVersion;
/// - a Tollgate `kind` without any apiVersion, at the `kind`;
/// - a Tollgate `kind` with another apiVersion and a `spec` mapping, at the apiVersion.
///   Other tools' files that share a kind name but not the shape (a kubeconfig's
///   `kind: Config`, an audit `kind: Policy`, Skaffold's `kind: Config`: none has `spec`)
///   are still ignored; one that has the shape too is excluded with the Config's `exclude`.
extension DocumentLoader {
    static let didYouMean = "did you mean `tollgate/v1`?"

    /// Whether an apiVersion other than `tollgate/v1` looks like a misspelling of it.
    static func resemblesTollgate(apiVersion text: String) -> Bool {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        if lower.contains("tollgate") || lower.contains("tolgate") || lower.contains("toll-gate") { return true }
        let group = lower.split(separator: "/", maxSplits: 1).first.map(String.init) ?? lower
        let head = group.split(separator: ".").first.map(String.init) ?? group
        return head.count >= 5 && DidYouMean.distance(head, "tollgate") <= 2
    }

    /// The near-miss diagnostic of a parsed YAML document that does not claim `tollgate/…`,
    /// or nil when it is simply not a Tollgate document.
    static func nearMiss(_ value: YAMLValue, path: String) -> Diagnostic? {
        guard let root = value.map else { return nil }
        let apiVersion = root.entry("apiVersion")
        let kindEntry = root.entry("kind")
        let kind = kindEntry?.value.string.flatMap(DocumentKind.init(rawValue:))
        let exclude = "if it is not a Tollgate document, list it in spec.exclude of .tollgate.yaml"
        var diagnostic: Diagnostic?
        if let apiVersion, let text = apiVersion.value.text, resemblesTollgate(apiVersion: text) {
            diagnostic = Diagnostic(.envelope,
                "apiVersion '\(text)' is not a Tollgate apiVersion — \(didYouMean) Until it is exactly tollgate/v1 this file is not read as a Tollgate document and nothing in it is checked",
                at: apiVersion.value.location)
        } else if let kind, let kindEntry, apiVersion == nil {
            diagnostic = Diagnostic(.envelope,
                "\("AEIOU".contains(kind.rawValue.prefix(1)) ? "an" : "a") \(kind.rawValue) without apiVersion is not read as a Tollgate document, and nothing in it is checked — \(didYouMean) Add `apiVersion: tollgate/v1` (\(exclude))",
                at: kindEntry.value.location)
        } else if let kind, let apiVersion, root.entry("spec")?.value.map != nil {
            let written = apiVersion.value.text ?? apiVersion.value.typeDescription
            diagnostic = Diagnostic(.envelope,
                "apiVersion '\(written)' with the Tollgate kind \(kind.rawValue) and a spec: this file is not read as a Tollgate document, and nothing in it is checked — \(didYouMean) (\(exclude))",
                at: apiVersion.value.location)
        }
        guard var diagnostic else { return nil }
        if let kind, let nameValue = root.entry("metadata")?.value["name"], let name = nameValue.string,
           TextFormat.name.accepts(name) {
            diagnostic.notes.append(Diagnostic.declaresNote(DocumentReference(kind: kind, name: name), at: nameValue.location))
        }
        return diagnostic
    }

    /// Whether the text of a file that cannot be parsed resembles a Tollgate document: it
    /// mentions `tollgate/` (or a near miss), or has a top-level Tollgate `kind:` and either
    /// no apiVersion or a top-level `spec:` (the same near misses as `nearMiss`).
    static func resemblesDocument(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.contains("tollgate/") || lower.contains("tolgate/") { return true }
        var sawAPIVersion = false, sawKind = false, sawSpec = false
        for line in topLevelLines(text) {
            if let value = value(of: "apiVersion", in: line.text) {
                sawAPIVersion = true
                if resemblesTollgate(apiVersion: value) { return true }
            } else if let value = value(of: "kind", in: line.text), DocumentKind(rawValue: value) != nil {
                sawKind = true
            } else if line.text.hasPrefix("spec:") {
                sawSpec = true
            }
        }
        return sawKind && (!sawAPIVersion || sawSpec)
    }

    /// The document a file that cannot be parsed declares, found by a line scan: a top-level
    /// `kind:` naming a Tollgate kind and `metadata.name` (block or flow style).
    static func declaredDocument(in text: String, path: String) -> (DocumentReference, SourceLocation)? {
        var kind: DocumentKind?
        var name: (String, SourceLocation)?
        var inMetadata = false
        for line in allLines(text) {
            let indented = line.text.first == " " || line.text.first == "\t"
            if !indented, !line.text.isEmpty, !line.text.hasPrefix("#") {
                inMetadata = false
                if let value = value(of: "kind", in: line.text) {
                    kind = DocumentKind(rawValue: value)
                } else if line.text.hasPrefix("metadata:") {
                    inMetadata = true
                    let rest = line.text.dropFirst("metadata:".count)
                    if let range = rest.range(of: "name:"), name == nil {
                        let after = rest[range.upperBound...]
                        let token = after.drop { $0 == " " }.prefix { !",} #".contains($0) }
                        let column = line.text.distance(from: line.text.startIndex, to: token.startIndex) + 1
                        name = (unquoted(String(token)), SourceLocation(file: path, line: line.number, column: column))
                    }
                }
            } else if inMetadata, name == nil {
                let trimmed = line.text.drop { $0 == " " || $0 == "\t" }
                if trimmed.hasPrefix("name:") {
                    let token = trimmed.dropFirst("name:".count).drop { $0 == " " }.prefix { $0 != " " && $0 != "#" }
                    let column = line.text.distance(from: line.text.startIndex, to: token.startIndex) + 1
                    name = (unquoted(String(token)), SourceLocation(file: path, line: line.number, column: column))
                }
            }
        }
        guard let kind, let name, TextFormat.name.accepts(name.0) else { return nil }
        return (DocumentReference(kind: kind, name: name.0), name.1)
    }

    private static func allLines(_ text: String) -> [(number: Int, text: Substring)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            (index + 1, line.hasSuffix("\r") ? line.dropLast() : line)
        }
    }

    private static func topLevelLines(_ text: String) -> [(number: Int, text: Substring)] {
        allLines(text).filter { !$0.text.isEmpty && $0.text.first != " " && $0.text.first != "\t" }
    }

    /// The plain value of a top-level `key: value` line, without quotes or a comment.
    private static func value(of key: String, in line: Substring) -> String? {
        guard line.hasPrefix(key + ":") else { return nil }
        var rest = line.dropFirst(key.count + 1)
        if let comment = rest.range(of: " #") { rest = rest[..<comment.lowerBound] }
        return unquoted(rest.trimmingCharacters(in: .whitespaces))
    }

    private static func unquoted(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
