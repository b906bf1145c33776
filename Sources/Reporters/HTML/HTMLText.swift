/// Escaping for the HTML report. Every string that comes from a document, a commit or a file
/// goes through `text` (element content) or `attribute` (a quoted attribute value), never
/// into the page raw: `<`, `>`, `&`, `"`, `'` become entities, and control characters
/// (U+0000–U+001F but tab and line feed, U+007F, U+0080–U+009F) and the line and paragraph
/// separators (U+2028, U+2029) are shown as `\u{…}` text, so nothing a document says can
/// open an element, close an attribute or hide in the page.
public enum HTMLText {
    /// Text for element content.
    public static func text(_ string: String) -> String {
        escape(string, keepNewlines: true)
    }

    /// Text for a double-quoted attribute value (newlines shown escaped too).
    public static func attribute(_ string: String) -> String {
        escape(string, keepNewlines: false)
    }

    static func escape(_ string: String, keepNewlines: Bool) -> String {
        var result = ""
        result.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t": result += keepNewlines ? "\t" : " "
            case "\n": result += keepNewlines ? "\n" : " "
            default:
                if isHidden(scalar) {
                    result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Characters a page must not carry raw: C0 and C1 controls, DEL, line and paragraph
    /// separators (tab and line feed are handled by the caller).
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// A URL for `href`, or nil when it is not one a report may link: only `https:` and
    /// `http:` URLs and relative paths without a scheme (no `javascript:`, `data:`, `vbscript:`,
    /// or anything a browser would run or load).
    public static func safeURL(_ url: String) -> String? {
        let trimmed = url.trimmedSpaces
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { isHidden($0) || $0 == " " }) else { return nil }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return trimmed }
        if lower.hasPrefix("//") { return nil }
        // A relative link has no scheme: no ':' before the first '/', '?' or '#'.
        let head = lower.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if head.contains(":") { return nil }
        return trimmed
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmedSpaces: String {
        let spaces: Set<Character> = [" ", "\t", "\n", "\r"]
        var characters = Substring(self)
        while let first = characters.first, spaces.contains(first) { characters.removeFirst() }
        while let last = characters.last, spaces.contains(last) { characters.removeLast() }
        return String(characters)
    }
}
