/// Splits a CEL expression into tokens, following the lexis of langdef.md: decimal and
/// hexadecimal integers with an optional `u`/`U` suffix, doubles with fraction and exponent,
/// quoted, raw (`r"…"`) and triple-quoted strings and bytes (`b"…"`) with every escape,
/// identifiers, `` `quoted` `` field names, operators, whitespace and `//` comments.
///
/// It reads UTF-8 bytes and records, for every token, its byte offset and its 1-based line
/// and column (the column counted in code points).
struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ source: String) {
        bytes = Array(source.utf8)
    }

    /// Every token of `source`, ending with `.endOfInput`.
    static func tokenize(_ source: String) throws(LexerError) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .endOfInput { return tokens }
        }
    }

    private var position: SourcePosition { SourcePosition(offset: index, line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let at = index + ahead
        return at < bytes.count ? bytes[at] : nil
    }

    /// Moves past one byte, keeping line and column (in code points) up to date; `\r\n`,
    /// `\r` and `\n` each end a line.
    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && peek() != UInt8(ascii: "\n")) {
            line += 1
            column = 1
        } else if index >= bytes.count || bytes[index] & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func advance(by count: Int) {
        for _ in 0..<count { advance() }
    }

    private func error(_ message: String, at position: SourcePosition) -> LexerError {
        LexerError(message: message, position: position)
    }

    /// The next token.
    mutating func next() throws(LexerError) -> Token {
        skipWhitespaceAndComments()
        let start = position
        guard let byte = peek() else {
            return Token(kind: .endOfInput, position: start, end: index)
        }
        let kind: Token.Kind
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = try number()
        case UInt8(ascii: ".") where peek(1).map(Self.isDigit) ?? false:
            kind = try number()
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = try quoted(raw: false, bytes: false)
        case UInt8(ascii: "`"):
            kind = try quotedIdentifier()
        case _ where Self.isIdentifierStart(byte):
            if let prefix = stringPrefix() {
                advance(by: prefix.length)
                kind = try quoted(raw: prefix.raw, bytes: prefix.bytes)
            } else {
                kind = identifier()
            }
        default:
            kind = try punctuation()
        }
        return Token(kind: kind, position: start, end: index)
    }

    private mutating func skipWhitespaceAndComments() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                advance()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                while let next = peek(), next != UInt8(ascii: "\n"), next != UInt8(ascii: "\r") { advance() }
            default:
                return
            }
        }
    }

    // MARK: Identifiers

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

    private mutating func identifier() -> Token.Kind {
        let start = index
        while let byte = peek(), Self.isIdentifierPart(byte) { advance() }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        switch name {
        case "true": return .true
        case "false": return .false
        case "null": return .null
        case "in": return .in
        default: return .identifier(name)
        }
    }

    /// `` `name` ``: letters, digits and `_ . - /` and space, for map keys that are not
    /// identifiers (`m.`content-type``).
    private mutating func quotedIdentifier() throws(LexerError) -> Token.Kind {
        let start = position
        advance()
        let nameStart = index
        while let byte = peek(), byte != UInt8(ascii: "`") {
            let allowed = Self.isIdentifierPart(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: " ")
            guard allowed else {
                throw error("a quoted identifier may hold only letters, digits and '_', '.', '-', '/', ' '", at: position)
            }
            advance()
        }
        guard peek() == UInt8(ascii: "`") else { throw error("unterminated quoted identifier", at: start) }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        advance()
        guard !name.isEmpty else { throw error("empty quoted identifier", at: start) }
        return .quotedIdentifier(name)
    }

    // MARK: Numbers

    /// `INT_LIT`, `UINT_LIT` or `FLOAT_LIT`:
    /// `DIGIT+ | 0x HEXDIGIT+`, then `[uU]`; or `DIGIT* . DIGIT+ EXPONENT? | DIGIT+ EXPONENT`.
    private mutating func number() throws(LexerError) -> Token.Kind {
        let start = position
        if peek() == UInt8(ascii: "0"), let x = peek(1), x | 0x20 == UInt8(ascii: "x") {
            advance(by: 2)
            let digitsStart = index
            while let byte = peek(), Self.isHexDigit(byte) { advance() }
            guard index > digitsStart else { throw error("hexadecimal literal without digits", at: start) }
            let text = String(decoding: bytes[digitsStart..<index], as: UTF8.self)
            guard let magnitude = UInt64(text, radix: 16) else {
                throw error("integer literal 0x\(text) does not fit in 64 bits", at: start)
            }
            return try integerSuffix(magnitude, start: start)
        }
        let textStart = index
        var isDouble = false
        while let byte = peek(), Self.isDigit(byte) { advance() }
        if peek() == UInt8(ascii: "."), let next = peek(1), Self.isDigit(next) {
            isDouble = true
            advance()
            while let byte = peek(), Self.isDigit(byte) { advance() }
        }
        if let e = peek(), e | 0x20 == UInt8(ascii: "e") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            guard let digit = peek(ahead), Self.isDigit(digit) else {
                throw error("malformed exponent in number", at: start)
            }
            isDouble = true
            advance(by: ahead)
            while let byte = peek(), Self.isDigit(byte) { advance() }
        }
        let text = String(decoding: bytes[textStart..<index], as: UTF8.self)
        if isDouble {
            if let byte = peek(), Self.isIdentifierPart(byte) || byte == UInt8(ascii: ".") {
                throw error("malformed number '\(text)\(Character(Unicode.Scalar(byte)))'", at: start)
            }
            guard let value = Double(text) else { throw error("malformed number '\(text)'", at: start) }
            return .double(value)
        }
        guard let magnitude = UInt64(text) else {
            throw error("integer literal \(text) does not fit in 64 bits", at: start)
        }
        return try integerSuffix(magnitude, start: start)
    }

    private mutating func integerSuffix(_ magnitude: UInt64, start: SourcePosition) throws(LexerError) -> Token.Kind {
        var kind = Token.Kind.int(magnitude)
        if let suffix = peek(), suffix | 0x20 == UInt8(ascii: "u") {
            advance()
            kind = .uint(magnitude)
        }
        if let byte = peek(), Self.isIdentifierPart(byte) {
            throw error("malformed number: unexpected '\(Character(Unicode.Scalar(byte)))' after the digits", at: start)
        }
        return kind
    }

    // MARK: Strings and bytes

    /// The `r`, `b`, `br` or `rb` prefix (any case) of a string literal starting here.
    private func stringPrefix() -> (length: Int, raw: Bool, bytes: Bool)? {
        func isQuote(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }
        guard let first = peek().map({ $0 | 0x20 }) else { return nil }
        guard first == UInt8(ascii: "r") || first == UInt8(ascii: "b") else { return nil }
        if isQuote(peek(1)) { return (1, first == UInt8(ascii: "r"), first == UInt8(ascii: "b")) }
        if let second = peek(1).map({ $0 | 0x20 }), second != first,
           second == UInt8(ascii: "r") || second == UInt8(ascii: "b"), isQuote(peek(2)) {
            return (2, true, true)
        }
        return nil
    }

    /// A quoted literal starting at the opening quote: `"…"`, `'…'`, `"""…"""` or `'''…'''`.
    /// Single-quoted forms may not span lines; raw ones keep backslashes as written.
    private mutating func quoted(raw: Bool, bytes isBytes: Bool) throws(LexerError) -> Token.Kind {
        let start = position
        let quote = bytes[index]
        let triple = peek(1) == quote && peek(2) == quote
        advance(by: triple ? 3 : 1)
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw error("unterminated \(isBytes ? "bytes" : "string") literal", at: start)
            }
            if byte == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                advance(by: triple ? 3 : 1)
                break
            }
            if !triple && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) {
                throw error("unterminated \(isBytes ? "bytes" : "string") literal (a line break needs a triple-quoted literal or \\n)", at: start)
            }
            if byte == UInt8(ascii: "\\") && !raw {
                try escape(into: &output, bytes: isBytes)
            } else {
                output.append(byte)
                advance()
            }
        }
        if isBytes { return .bytes(output) }
        return .string(String(decoding: output, as: UTF8.self))
    }

    /// One escape sequence, appended as UTF-8 (strings) or as the octet it names (bytes).
    private mutating func escape(into output: inout [UInt8], bytes isBytes: Bool) throws(LexerError) {
        let start = position
        advance()
        guard let code = peek() else { throw error("unterminated escape sequence", at: start) }
        switch code {
        case UInt8(ascii: "a"): output.append(0x07); advance()
        case UInt8(ascii: "b"): output.append(0x08); advance()
        case UInt8(ascii: "f"): output.append(0x0C); advance()
        case UInt8(ascii: "n"): output.append(0x0A); advance()
        case UInt8(ascii: "r"): output.append(0x0D); advance()
        case UInt8(ascii: "t"): output.append(0x09); advance()
        case UInt8(ascii: "v"): output.append(0x0B); advance()
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "?"):
            output.append(code); advance()
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            advance()
            let value = try hexDigits(2, escapeStart: start)
            appendCodeUnit(value, to: &output, bytes: isBytes)
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            var value: UInt32 = 0
            for _ in 0..<3 {
                guard let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else {
                    throw error("an octal escape needs three digits \\000 to \\377", at: start)
                }
                value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
                advance()
            }
            appendCodeUnit(value, to: &output, bytes: isBytes)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            guard !isBytes else { throw error("\\u and \\U escapes are allowed only in string literals", at: start) }
            advance()
            var value = try hexDigits(code == UInt8(ascii: "u") ? 4 : 8, escapeStart: start)
            if code == UInt8(ascii: "u"), (0xD800...0xDBFF).contains(value) {
                // A surrogate pair spelled as two \u escapes names one code point.
                guard peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate \\u\(String(value, radix: 16, uppercase: true))", at: start)
                }
                advance(by: 2)
                let low = try hexDigits(4, escapeStart: start)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("unpaired surrogate \\u\(String(value, radix: 16, uppercase: true))", at: start)
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("\\\(Character(Unicode.Scalar(code))) escape names no Unicode code point (U+\(String(value, radix: 16, uppercase: true)))", at: start)
            }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            let shown = code < 0x80 ? String(Character(Unicode.Scalar(code))) : "…"
            throw error("invalid escape sequence '\\\(shown)'", at: start)
        }
    }

    private mutating func hexDigits(_ count: Int, escapeStart: SourcePosition) throws(LexerError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let digit = peek(), Self.isHexDigit(digit) else {
                throw error("escape sequence needs \(count) hexadecimal digits", at: escapeStart)
            }
            let nibble = Self.isDigit(digit) ? digit - UInt8(ascii: "0") : (digit | 0x20) - UInt8(ascii: "a") + 10
            value = value << 4 | UInt32(nibble)
            advance()
        }
        return value
    }

    /// `\xHH` and octal escapes: an octet in bytes, the code point U+00HH in strings.
    private func appendCodeUnit(_ value: UInt32, to output: inout [UInt8], bytes isBytes: Bool) {
        if isBytes || value < 0x80 {
            output.append(UInt8(value))
        } else {
            output.append(0xC0 | UInt8(value >> 6))
            output.append(0x80 | UInt8(value & 0x3F))
        }
    }

    // MARK: Operators

    private mutating func punctuation() throws(LexerError) -> Token.Kind {
        let start = position
        let byte = bytes[index]
        let next = peek(1)
        func two(_ kind: Token.Kind) -> Token.Kind { advance(by: 2); return kind }
        func one(_ kind: Token.Kind) -> Token.Kind { advance(); return kind }
        switch byte {
        case UInt8(ascii: "("): return one(.leftParen)
        case UInt8(ascii: ")"): return one(.rightParen)
        case UInt8(ascii: "["): return one(.leftBracket)
        case UInt8(ascii: "]"): return one(.rightBracket)
        case UInt8(ascii: "{"): return one(.leftBrace)
        case UInt8(ascii: "}"): return one(.rightBrace)
        case UInt8(ascii: "."): return one(.dot)
        case UInt8(ascii: ","): return one(.comma)
        case UInt8(ascii: ":"): return one(.colon)
        case UInt8(ascii: "?"): return one(.question)
        case UInt8(ascii: "+"): return one(.plus)
        case UInt8(ascii: "-"): return one(.minus)
        case UInt8(ascii: "*"): return one(.star)
        case UInt8(ascii: "/"): return one(.slash)
        case UInt8(ascii: "%"): return one(.percent)
        case UInt8(ascii: "!"): return next == UInt8(ascii: "=") ? two(.notEqual) : one(.not)
        case UInt8(ascii: "<"): return next == UInt8(ascii: "=") ? two(.lessEqual) : one(.less)
        case UInt8(ascii: ">"): return next == UInt8(ascii: "=") ? two(.greaterEqual) : one(.greater)
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { return two(.equal) }
            throw error("unexpected '=' (comparison is '==')", at: start)
        case UInt8(ascii: "&"):
            if next == UInt8(ascii: "&") { return two(.and) }
            throw error("unexpected '&' (logical and is '&&')", at: start)
        case UInt8(ascii: "|"):
            if next == UInt8(ascii: "|") { return two(.or) }
            throw error("unexpected '|' (logical or is '||')", at: start)
        default:
            throw error("unexpected character \(describeCharacter(at: index))", at: start)
        }
    }

    private func describeCharacter(at offset: Int) -> String {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return "" }
        let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
        return scalar.properties.isWhitespace || scalar.value < 0x20 ? code : "'\(text)' (\(code))"
    }
}
