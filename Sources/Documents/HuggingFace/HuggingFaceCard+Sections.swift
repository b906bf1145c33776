import Foundation

extension HuggingFaceCard {
    /// A section title as the import compares it: lower case, `[optional]` and a trailing colon
    /// removed, white space collapsed, typographic apostrophes straightened.
    public static func normalizedTitle(_ title: String) -> String {
        var text = title.lowercased()
            .replacingOccurrences(of: "[optional]", with: "")
            .replacingOccurrences(of: "\u{2019}", with: "'")
        text = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        while text.hasSuffix(":") { text.removeLast() }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The sections whose normalized title is one of `titles`, in the README's order.
    public func sections(titled titles: Set<String>) -> [Section] {
        sections.filter { titles.contains(Self.normalizedTitle($0.title)) }
    }

    /// What a section's own text says, as items: its list items when it has a list (a
    /// continuation line joins its item), else its paragraphs. HTML comments, fenced code,
    /// tables and the template's placeholder (`[More Information Needed]`) are not items.
    public static func items(of lines: [(number: Int, text: String)]) -> (bullets: [String], paragraphs: [String]) {
        let text = lines.map(\.text).joined(separator: "\n")
            .replacingOccurrences(of: #"<!--[\s\S]*?(-->|$)"#, with: "", options: .regularExpression)
        var bullets: [String] = []
        var paragraphs: [String] = []
        var current: String?
        var currentIsBullet = false
        var fence: Character?
        func finish() {
            if let item = current.map(collapse), !isPlaceholder(item) {
                if currentIsBullet { bullets.append(item) } else { paragraphs.append(item) }
            }
            current = nil
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                finish()
                let marker = line.first!
                fence = fence == nil ? marker : (fence == marker ? nil : fence)
                continue
            }
            if fence != nil { continue }
            if line.isEmpty || line.hasPrefix("|") {
                finish()
                continue
            }
            if let range = line.range(of: #"^([-*+]|[0-9]+[.)])[ \t]+"#, options: .regularExpression) {
                finish()
                current = String(line[range.upperBound...])
                currentIsBullet = true
                continue
            }
            if current == nil {
                current = line
                currentIsBullet = false
            } else {
                current! += " " + line
            }
        }
        finish()
        return (bullets, paragraphs)
    }

    /// A section's items: its list items when it has any, else its paragraphs.
    public static func listItems(of section: Section) -> [String] {
        let found = items(of: section.lines)
        return found.bullets.isEmpty ? found.paragraphs : found.bullets
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The huggingface_hub template's filler, and the Trainer card's "More information needed".
    static func isPlaceholder(_ item: String) -> Bool {
        let lowered = item.lowercased()
        if lowered.contains("[more information needed]") { return true }
        let bare = lowered.trimmingCharacters(in: CharacterSet(charactersIn: "[]()*_. "))
        return bare.isEmpty || bare == "more information needed" || bare == "n/a" || bare == "todo" || bare == "tbd"
    }
}
