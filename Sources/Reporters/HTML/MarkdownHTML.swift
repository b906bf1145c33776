/// A small, safe Markdown-to-HTML conversion for runbooks: ATX headings, paragraphs,
/// bulleted and numbered lists (and one level of lists indented under an item), fenced code blocks, inline code, `**strong**` and links. Every
/// other character is escaped (raw HTML in the Markdown is shown as text), and a link is kept
/// only when its target is an `http(s)` URL or a relative path (`HTMLText.safeURL`): a
/// `javascript:` link is shown as its text.
public enum MarkdownHTML {
    /// - Parameter headingOffset: added to each heading level (a runbook's `#` under the
    ///   page's `h3` section becomes `h4`); levels stop at 6.
    /// - Parameter link: the `href` a link target becomes, or nil to show the link as text;
    ///   by default `HTMLText.safeURL` (http(s) and relative targets kept as written).
    public static func render(_ markdown: String, headingOffset: Int = 3,
                              link: (String) -> String? = HTMLText.safeURL) -> String {
        func inline(_ text: String) -> String { MarkdownHTML.inline(text, link: link) }
        var html: [String] = []
        var paragraph: [String] = []
        /// The open list: its items, each with the sub-list indented under it (one level).
        var list: (ordered: Bool, items: [ListItem])?
        var code: [String]?
        var table: [String] = []
        func flushTable() {
            guard !table.isEmpty else { return }
            let rows = table.map(cells)
            if rows.count >= 2, rows[1].allSatisfy({ cell in !cell.isEmpty && cell.allSatisfy { "-: ".contains($0) } }) {
                var markup = "<table><thead><tr>" + rows[0].map { "<th scope=\"col\">\(inline($0))</th>" }.joined() + "</tr></thead><tbody>"
                for row in rows.dropFirst(2) { markup += "<tr>" + row.map { "<td>\(inline($0))</td>" }.joined() + "</tr>" }
                html.append(markup + "</tbody></table>")
            } else {
                html.append("<p>\(inline(table.joined(separator: " ")))</p>")
            }
            table = []
        }
        func flushParagraph() {
            flushTable()
            if !paragraph.isEmpty { html.append("<p>\(inline(paragraph.joined(separator: " ")))</p>") }
            paragraph = []
        }
        func flushList() {
            if let current = list {
                let tag = current.ordered ? "ol" : "ul"
                html.append("<\(tag)>" + current.items.map { item in
                    var markup = "<li>\(inline(item.text))"
                    if let sub = item.sub {
                        let subTag = sub.ordered ? "ol" : "ul"
                        markup += "<\(subTag)>" + sub.items.map { "<li>\(inline($0))</li>" }.joined() + "</\(subTag)>"
                    }
                    return markup + "</li>"
                }.joined() + "</\(tag)>")
            }
            list = nil
        }
        let lines = markdown.replacingAll("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in lines {
            if var block = code {
                if line.trimmedSpaces.hasPrefix("```") {
                    html.append("<pre><code>\(HTMLText.text(block.joined(separator: "\n")))</code></pre>")
                    code = nil
                } else {
                    block.append(line)
                    code = block
                }
                continue
            }
            let trimmed = line.trimmedSpaces
            if trimmed.hasPrefix("```") {
                flushParagraph(); flushList()
                code = []
                continue
            }
            if trimmed.isEmpty {
                flushParagraph(); flushList()
                continue
            }
            if let (level, title) = heading(trimmed) {
                flushParagraph(); flushList()
                let shown = min(6, level + headingOffset)
                html.append("<h\(shown)>\(inline(title))</h\(shown)>")
                continue
            }
            let indented = line.hasPrefix("  ") || line.hasPrefix("\t")
            if let current = list, indented, !current.items.isEmpty, let (ordered, item) = listItem(trimmed) {
                // An item indented under the last one: its sub-list.
                var items = current.items
                var sub = items[items.count - 1].sub ?? (ordered, [])
                sub.items.append(item)
                items[items.count - 1].sub = sub
                list = (current.ordered, items)
                continue
            }
            if let (ordered, item) = listItem(trimmed) {
                flushParagraph()
                if let current = list, current.ordered != ordered { flushList() }
                list = (ordered, (list?.items ?? []) + [ListItem(text: item)])
                continue
            }
            if let current = list, indented, !current.items.isEmpty {
                // A continuation line of the last item (or of the last item of its sub-list).
                var items = current.items
                if var sub = items[items.count - 1].sub, !sub.items.isEmpty {
                    sub.items[sub.items.count - 1] += " " + trimmed
                    items[items.count - 1].sub = sub
                } else {
                    items[items.count - 1].text += " " + trimmed
                }
                list = (current.ordered, items)
                continue
            }
            flushList()
            if trimmed.hasPrefix("|") {
                if !paragraph.isEmpty, table.isEmpty {
                    html.append("<p>\(inline(paragraph.joined(separator: " ")))</p>")
                    paragraph = []
                }
                table.append(trimmed)
                continue
            }
            flushTable()
            paragraph.append(trimmed)
        }
        if let block = code { html.append("<pre><code>\(HTMLText.text(block.joined(separator: "\n")))</code></pre>") }
        flushParagraph(); flushList()
        return html.joined(separator: "\n")
    }

    /// A list item and the list indented under it.
    struct ListItem {
        var text: String
        var sub: (ordered: Bool, items: [String])?
    }

    /// The cells of a table row `| a | b |` (a `\\|` stays in its cell).
    static func cells(_ row: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in row {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\" { current.append(character); escaped = true; continue }
            if character == "|" { cells.append(current); current = ""; continue }
            current.append(character)
        }
        cells.append(current)
        if row.hasPrefix("|") { cells.removeFirst() }
        if row.hasSuffix("|"), !cells.isEmpty, cells.last?.trimmedSpaces.isEmpty == true { cells.removeLast() }
        return cells.map(\.trimmedSpaces)
    }

    static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.first == " " else { return nil }
        var title = String(rest).trimmedSpaces
        while title.hasSuffix("#") { title.removeLast() }
        return (hashes, title.trimmedSpaces)
    }

    static func listItem(_ line: String) -> (Bool, String)? {
        for marker in ["- ", "* ", "+ "] where line.hasPrefix(marker) {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return (true, String(rest.dropFirst(2))) }
        }
        return nil
    }

    /// Inline Markdown: `code`, **strong**, [text](url); everything else escaped.
    static func inline(_ text: String, link: (String) -> String? = HTMLText.safeURL) -> String {
        var html = ""
        let characters = Array(text)
        var index = 0
        var plain = ""
        func flush() {
            html += HTMLText.text(plain)
            plain = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, "\\`*_[]()#+-.!<>".contains(characters[index + 1]) {
                plain.append(characters[index + 1])
                index += 2
                continue
            }
            if character == "`", let end = characters[(index + 1)...].firstIndex(of: "`") {
                flush()
                html += "<code>\(HTMLText.text(String(characters[(index + 1)..<end])))</code>"
                index = end + 1
                continue
            }
            if character == "*", index + 1 < characters.count, characters[index + 1] == "*",
               let end = find("**", in: characters, from: index + 2), end > index + 2 {
                flush()
                html += "<strong>\(inline(String(characters[(index + 2)..<end]), link: link))</strong>"
                index = end + 2
                continue
            }
            if character == "[", let close = characters[(index + 1)...].firstIndex(of: "]"),
               close + 1 < characters.count, characters[close + 1] == "(",
               let end = characters[(close + 2)...].firstIndex(of: ")") {
                let label = String(characters[(index + 1)..<close])
                let target = String(characters[(close + 2)..<end])
                flush()
                if let url = HTMLText.safeURL(target).flatMap(link) {
                    html += "<a href=\"\(HTMLText.attribute(url))\">\(inline(label, link: link))</a>"
                } else {
                    // Not a link a report may carry: shown as the text it is.
                    html += HTMLText.text("[\(label)](\(target))")
                }
                index = end + 1
                continue
            }
            plain.append(character)
            index += 1
        }
        flush()
        return html
    }

    static func find(_ needle: String, in characters: [Character], from start: Int) -> Int? {
        let pattern = Array(needle)
        guard characters.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= characters.count {
            if Array(characters[index..<(index + pattern.count)]) == pattern { return index }
            index += 1
        }
        return nil
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: Substring(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
