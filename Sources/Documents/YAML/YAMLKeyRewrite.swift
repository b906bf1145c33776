/// A copy of the text in which every scalar mapping key starts with a marker unique to
/// it, and the way back to the original's columns and key text.
///
/// A key repeated with the same tag is found when its mapping closes, by its first
/// occurrence, before the rest of the document is read (`YAMLComposer`). With every key
/// made unique the document composes through, and the key check, which compares keys by
/// their original text, names the second occurrence: the line a user must delete.
struct YAMLKeyRewrite {
    /// Characters per marker: three code points from the private use area U+E000–U+F8FF,
    /// enough for 6400³ keys.
    static let markerLength = 3
    private static let markerBase: UInt32 = 0xE000
    private static let markerRadix = 6400

    /// Per 1-based line, the 1-based original columns where a marker was inserted, in order.
    private var insertions: [Int: [Int]] = [:]

    /// Inserts a marker at the start of each key's text (after the quote of a quoted key).
    static func rewriting(_ text: [UInt8], keys: [YAMLKeyScanner.ScalarKey]) -> (text: [UInt8], rewrite: YAMLKeyRewrite) {
        var rewrite = YAMLKeyRewrite()
        var output: [UInt8] = []
        output.reserveCapacity(text.count + keys.count * 9)
        var copied = 0
        for (number, key) in keys.enumerated() {
            let quoteWidth = key.quote == nil ? 0 : 1
            let offset = key.offset + quoteWidth
            guard offset >= copied, offset <= text.count else { continue }
            output.append(contentsOf: text[copied..<offset])
            copied = offset
            output.append(contentsOf: marker(number))
            rewrite.insertions[key.line + 1, default: []].append(key.column + 1 + quoteWidth)
        }
        output.append(contentsOf: text[copied...])
        return (output, rewrite)
    }

    private static func marker(_ number: Int) -> [UInt8] {
        var digits: [UInt32] = []
        var rest = number
        for _ in 0..<markerLength {
            digits.append(markerBase + UInt32(rest % markerRadix))
            rest /= markerRadix
        }
        // Every marker code point takes three UTF-8 bytes.
        return digits.reversed().flatMap { codePoint -> [UInt8] in
            [UInt8(0xE0 | codePoint >> 12), UInt8(0x80 | (codePoint >> 6) & 0x3F), UInt8(0x80 | codePoint & 0x3F)]
        }
    }

    /// The original column of a column in the rewritten text (both 1-based).
    func originalColumn(line: Int, column: Int) -> Int {
        guard let columns = insertions[line] else { return column }
        var shift = 0
        for (index, inserted) in columns.enumerated() {
            guard inserted + index * Self.markerLength < column else { break }
            shift += Self.markerLength
        }
        return column - shift
    }

    /// A scalar's text without the marker the rewrite gave it.
    func originalText(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count >= Self.markerLength,
              scalars.prefix(Self.markerLength).allSatisfy({ (0xE000...0xF8FF).contains($0.value) })
        else { return text }
        return String(String.UnicodeScalarView(scalars.dropFirst(Self.markerLength)))
    }
}
