/// Escaping for XML 1.0 text and attribute values. Characters XML 1.0 cannot carry at all
/// (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF) become U+FFFD.
enum XMLEscaping {
    static func text(_ value: String) -> String {
        escape(value, attribute: false)
    }

    /// Also escapes quotes, and tab, newline and carriage return as character references, which
    /// attribute-value normalization would otherwise turn into spaces.
    static func attribute(_ value: String) -> String {
        escape(value, attribute: true)
    }

    static func escape(_ value: String, attribute: Bool) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"" where attribute: escaped += "&quot;"
            case "'" where attribute: escaped += "&apos;"
            case "\n" where attribute: escaped += "&#10;"
            case "\t" where attribute: escaped += "&#9;"
            case "\r": escaped += "&#13;"
            case "\n", "\t": escaped.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
