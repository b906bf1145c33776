import Foundation

/// A Hugging Face model card (`README.md`): the YAML front matter, read as located values, and
/// the Markdown sections by heading.
///
/// The front matter is found exactly as `huggingface_hub` finds it (`repocard.REGEX_YAML_BLOCK`:
/// optional white space, a `---` line at the very start, the text up to the first line that is
/// `---`), so the two read the same block; its YAML is read by `YAMLLoader` with the README's
/// own lines and columns. Where YAML 1.1 (PyYAML, which `huggingface_hub` uses) and the YAML 1.2
/// core schema Tollgate reads differ — `language: no` is `false` there and the text `no` here —
/// Tollgate keeps the text as written (docs/huggingface.md).
public struct HuggingFaceCard: Sendable {
    /// A Markdown section: an ATX heading (`#` to `######`) outside fenced code, and the lines
    /// up to the next heading of any level (its subsections are sections of their own).
    public struct Section: Sendable {
        /// The heading's text, without the `#`s, a closing `#` sequence or surrounding spaces.
        public var title: String
        public var level: Int
        /// Where the heading is.
        public var location: SourceLocation
        /// The section's own lines, each with its line number.
        public var lines: [(number: Int, text: String)]
    }

    public var file: String
    /// The front matter's mapping; `nil` when the README has none.
    public var metadata: YAMLMap?
    /// Where the front matter starts (its opening `---`), or the file's start.
    public var metadataLocation: SourceLocation
    /// Text before the first heading of the body (after the front matter), with line numbers.
    public var preamble: [(number: Int, text: String)]
    public var sections: [Section]

    /// What `huggingface_hub` matches as the metadata block (repocard.py, REGEX_YAML_BLOCK).
    static let frontMatterPattern = #"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))"#

    /// Reads a README. Throws when the bytes are not text or the front matter is not YAML or
    /// not a mapping; a README without front matter reads with `metadata == nil`.
    public static func read(_ bytes: [UInt8], file: String) throws(HuggingFaceCardError) -> HuggingFaceCard {
        var content = bytes
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content.removeFirst(3) }  // utf-8-sig, as huggingface_hub opens it
        guard let text = String(validating: content, as: UTF8.self) else {
            throw HuggingFaceCardError(.start(of: file), "\(file) is not UTF-8 text")
        }
        let ns = text as NSString
        let regex = try! NSRegularExpression(pattern: frontMatterPattern)  // a constant pattern
        var metadata: YAMLMap?
        var metadataLocation = SourceLocation.start(of: file)
        var bodyStart = 0
        if let match = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) {
            let opening = ns.substring(with: match.range(at: 1))
            let block = ns.substring(with: match.range(at: 2))
            let beforeMarker = opening.range(of: "---").map { opening[..<$0.lowerBound] } ?? ""
            let openingLine = 1 + beforeMarker.filter(\.isNewline).count
            metadataLocation = SourceLocation(file: file, line: openingLine, column: 1)
            // The opening lines blanked (kept as line breaks), so values keep the README's lines and columns.
            let blanked = String(opening.map { $0.isNewline ? $0 : " " })
            let values: [YAMLValue]
            do {
                values = try YAMLLoader.load(blanked + block, file: file)
            } catch {
                throw HuggingFaceCardError(error.location, "the front matter is not valid YAML: \(error.message)")
            }
            switch values.count {
            case 0: metadata = YAMLMap()  // an empty block, as huggingface_hub reads it: no metadata
            case 1:
                if values[0].kind == .null {
                    metadata = YAMLMap()
                } else if let map = values[0].map {
                    metadata = map
                } else {
                    throw HuggingFaceCardError(values[0].location, "the front matter must be a mapping of keys (license, datasets, …), not \(describe(values[0]))")
                }
            default:
                throw HuggingFaceCardError(values[1].location, "the front matter holds \(values.count) YAML documents; it must be one mapping")
            }
            bodyStart = match.range.location + match.range.length
        }
        let firstBodyLine = lineNumber(in: ns, at: bodyStart)
        let body = ns.substring(from: bodyStart)
        var card = HuggingFaceCard(file: file, metadata: metadata, metadataLocation: metadataLocation, preamble: [], sections: [])
        card.readSections(body, firstLine: firstBodyLine)
        return card
    }

    /// The 1-based line of a UTF-16 offset.
    static func lineNumber(in text: NSString, at offset: Int) -> Int {
        var line = 1
        var index = 0
        while index < offset && index < text.length {
            let unit = text.character(at: index)
            if unit == 0x0A { line += 1 } else if unit == 0x0D {
                if index + 1 < text.length && text.character(at: index + 1) == 0x0A { index += 1 }
                line += 1
            }
            index += 1
        }
        return line
    }

    public static func describe(_ value: YAMLValue) -> String {
        switch value.kind {
        case .list: return "a list"
        case .map: return "a mapping"
        case .null: return "null"
        default: return "the scalar '\(value.text ?? "")'"
        }
    }

    /// Splits the body into sections at ATX headings that are not inside fenced code blocks.
    mutating func readSections(_ body: String, firstLine: Int) {
        var fence: (character: Character, length: Int)?
        var number = firstLine - 1
        for raw in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            let line = String(raw)
            let trimmed = line.drop(while: { $0 == " " })
            let indent = line.count - trimmed.count
            if indent <= 3, let marker = trimmed.first, marker == "`" || marker == "~" {
                let run = trimmed.prefix(while: { $0 == marker }).count
                if run >= 3 {
                    if let open = fence {
                        if open.character == marker && run >= open.length && trimmed.dropFirst(run).allSatisfy({ $0 == " " || $0 == "\t" }) { fence = nil }
                    } else {
                        fence = (marker, run)
                    }
                    append((number, line))
                    continue
                }
            }
            if fence == nil, indent <= 3, let heading = Self.heading(String(trimmed)) {
                sections.append(Section(title: heading.title, level: heading.level,
                                        location: SourceLocation(file: file, line: number, column: indent + 1), lines: []))
                continue
            }
            append((number, line))
        }
    }

    private mutating func append(_ line: (number: Int, text: String)) {
        if sections.isEmpty { preamble.append(line) } else { sections[sections.count - 1].lines.append(line) }
    }

    /// An ATX heading: 1–6 `#`, then a space or the end of the line; an optional closing
    /// sequence of `#`s is not part of the title.
    static func heading(_ line: String) -> (level: Int, title: String)? {
        let level = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(level) else { return nil }
        let rest = line.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var title = rest.trimmingCharacters(in: .whitespaces)
        if let closing = title.range(of: #"(^|[ \t])#+$"#, options: .regularExpression) {
            title = String(title[..<closing.lowerBound]).trimmingCharacters(in: .whitespaces)
        }
        return (level, title)
    }
}

/// A README that cannot be read as a Hugging Face card, located in it.
public struct HuggingFaceCardError: Error, CustomStringConvertible, Sendable {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
