/// The checks a file passes before any YAML parsing: size, encoding (UTF-8, or UTF-16 and
/// UTF-32 decoded to UTF-8, see `YAMLEncoding`), binary content, UTF-8 and
/// the characters YAML allows. libyaml would reject most of these too, but it names a
/// byte offset without a line; here the user gets the line
/// and column of the first offending byte.
enum YAMLTextCheck {
    /// Returns the file's text as UTF-8 bytes without a leading byte order mark.
    static func validatedText(_ bytes: [UInt8], file: String, limits: YAMLLimits) throws(YAMLError) -> [UInt8] {
        if bytes.count > limits.maxBytes {
            throw YAMLError(
                .tooLarge,
                "file is \(bytes.count) bytes, over the \(formatByteCount(limits.maxBytes)) limit for YAML documents; split it into smaller files",
                at: .start(of: file))
        }
        let (encoding, bomLength) = YAMLEncoding.detect(bytes)
        let text: [UInt8]
        if encoding == .utf8 {
            text = bomLength > 0 ? Array(bytes[bomLength...]) : bytes
        } else {
            // YAML 1.2 allows UTF-16 and UTF-32: read as their UTF-8 form, so that lines,
            // columns, values and digests are those of the same file saved as UTF-8.
            switch encoding.utf8(bytes, from: bomLength) {
            case .success(let decoded):
                text = decoded
            case .failure(let failure):
                let before = encoding.utf8(Array(bytes[..<failure.offset]), from: bomLength, lenient: true)
                let prefix = (try? before.get()) ?? []
                throw YAMLError(
                    .notText,
                    "not \(encoding.rawValue) text: \(failure.problem) at byte offset \(failure.offset); save the file as UTF-8",
                    at: location(ofByteOffset: prefix.count, in: prefix, file: file))
            }
        }
        // Byte offsets in messages are offsets in the file; in a decoded file, say so by character.
        func offset(_ index: Int) -> String {
            encoding == .utf8 ? "byte offset \(index + bomLength)" : "character \(text[..<index].filter { $0 & 0xC0 != 0x80 }.count + 1) (\(encoding.rawValue))"
        }

        if let nul = text.firstIndex(of: 0) {
            throw YAMLError(
                .notText,
                encoding == .utf8
                    ? "binary file: \(offset(nul)) is a NUL byte; Tollgate reads YAML documents only as UTF-8 text"
                    : "binary file: \(offset(nul)) is a NUL character; YAML documents hold no NUL",
                at: location(ofByteOffset: nul, in: text, file: file))
        }

        var index = 0
        while index < text.count {
            guard let (scalar, width) = decodeScalar(text, at: index) else {
                throw YAMLError(
                    .notText,
                    "not UTF-8 text: invalid UTF-8 at \(offset(index)); save the file as UTF-8",
                    at: location(ofByteOffset: index, in: text, file: file))
            }
            if !isAllowedInYAML(scalar) {
                throw YAMLError(
                    .notText,
                    "control character \(hexCodePoint(scalar)) at \(offset(index)) is not allowed in YAML; remove it, or write it as an escape in a double-quoted string",
                    at: location(ofByteOffset: index, in: text, file: file))
            }
            index += width
        }
        return text
    }

    /// The code point starting at `index` and its length in bytes, or `nil` when the
    /// bytes there are not well-formed UTF-8 (overlong forms and surrogates included).
    static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (UInt32, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let count: Int
        var lowerSecond: UInt8 = 0x80
        var upperSecond: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; lowerSecond = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; upperSecond = 0x9F
        case 0xF0: count = 4; lowerSecond = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; upperSecond = 0x8F
        default: return nil
        }
        guard index + count <= bytes.count else { return nil }
        let second = bytes[index + 1]
        guard second >= lowerSecond && second <= upperSecond else { return nil }
        var value = UInt32(lead) & (count == 2 ? 0x1F : count == 3 ? 0x0F : 0x07)
        value = value << 6 | UInt32(second & 0x3F)
        for offset in 2..<count {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, count)
    }

    /// The characters libyaml's reader accepts (YAML's c-printable set).
    static func isAllowedInYAML(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF:
            return true
        default:
            return false
        }
    }

    /// The 1-based line and column of a byte of `text`, counted the way libyaml counts
    /// them (so they agree with the marks of libyaml's errors and events): CR LF, CR, LF, NEL,
    /// LS and PS end lines, and a column is one Unicode code point.
    static func location(ofByteOffset target: Int, in text: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        var index = 0
        let end = min(target, text.count)
        while index < end {
            let width = lineBreakWidth(text, at: index)
            if width > 0 && index + width <= end {
                line += 1
                column = 1
                index += width
                continue
            }
            if text[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// The length in bytes of the line break at `index`, or 0.
    static func lineBreakWidth(_ text: [UInt8], at index: Int) -> Int {
        guard index < text.count else { return 0 }
        switch text[index] {
        case 0x0A: return 1
        case 0x0D: return index + 1 < text.count && text[index + 1] == 0x0A ? 2 : 1
        case 0xC2: return index + 1 < text.count && text[index + 1] == 0x85 ? 2 : 0
        case 0xE2:
            return index + 2 < text.count && text[index + 1] == 0x80
                && (text[index + 2] == 0xA8 || text[index + 2] == 0xA9) ? 3 : 0
        default: return 0
        }
    }

    static func hexCodePoint(_ scalar: UInt32) -> String {
        let hex = String(scalar, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// "4 MiB", "64 KiB", or "1000 bytes" for a count that is no whole number of either.
    static func formatByteCount(_ count: Int) -> String {
        if count > 0 && count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count > 0 && count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count)-byte"
    }
}

extension YAMLTextCheck {
    /// The byte offset of a 1-based line and column (counted as `location(ofByteOffset:)`
    /// counts them), or the end of the text.
    static func byteOffset(line: Int, column: Int, in text: [UInt8]) -> Int {
        var currentLine = 1
        var currentColumn = 1
        var index = 0
        while index < text.count {
            if currentLine == line && currentColumn == column { return index }
            if currentLine > line { return index }
            let width = lineBreakWidth(text, at: index)
            if width > 0 {
                if currentLine == line { return index }
                currentLine += 1
                currentColumn = 1
                index += width
                continue
            }
            index += 1
            while index < text.count && text[index] & 0xC0 == 0x80 { index += 1 }
            currentColumn += 1
        }
        return text.count
    }
}
