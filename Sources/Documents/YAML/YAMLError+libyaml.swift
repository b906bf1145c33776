internal import CYaml

extension YAMLError {
    /// The error libyaml's parser stopped with, in Tollgate's words, at the line and
    /// column libyaml named. `text` is the UTF-8 text it parsed.
    init(libyaml parser: UnsafeMutablePointer<yaml_parser_t>, text: [UInt8], file: String) {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
        switch state.error {
        case YAML_MEMORY_ERROR:
            self.init(.tooLarge, "the YAML parser ran out of memory; split the file", at: .start(of: file))
        case YAML_READER_ERROR:
            self.init(
                .notText,
                "not YAML text: \(problem) (\(YAMLTextCheck.hexCodePoint(UInt32(bitPattern: state.problem_value))))",
                at: Self.readerLocation(byteOffset: state.problem_offset, text: text, file: file))
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
            let context = state.context.map {
                (text: String(cString: $0), line: Int(state.context_mark.line) + 1, column: Int(state.context_mark.column) + 1)
            }
            self = Self.syntax(
                problem: problem, context: context,
                line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1,
                text: text, file: file)
        default:
            self.init(.syntax, "the YAML parser failed: error \(state.error.rawValue)", at: .start(of: file))
        }
    }

    /// libyaml names the byte; the location is that of the character it starts, or the
    /// start of the file when the byte is inside a character (a grapheme cluster).
    private static func readerLocation(byteOffset: Int, text: [UInt8], file: String) -> SourceLocation {
        let string = String(decoding: text, as: UTF8.self)
        guard let index = string.utf8.index(string.utf8.startIndex, offsetBy: byteOffset, limitedBy: string.utf8.endIndex),
              index.samePosition(in: string) != nil
        else { return .start(of: file) }
        return YAMLTextCheck.location(ofByteOffset: byteOffset, in: text, file: file)
    }

    /// A syntax error at a 1-based line and column, with libyaml's problem and context.
    static func syntax(
        problem: String, context: (text: String, line: Int, column: Int)?,
        line: Int, column: Int, text: [UInt8], file: String
    ) -> YAMLError {
        let location = SourceLocation(file: file, line: line, column: column)
        let offset = YAMLTextCheck.byteOffset(line: line, column: column, in: text)
        if problem.hasPrefix("Maximum nesting level") {
            return YAMLError(
                .tooDeep,
                "the document nests lists and mappings deeper than the YAML parser's limit of 1000 levels; flatten it",
                at: location)
        }
        if problem == "found undefined alias" {
            var end = offset + 1
            while end < text.count, isAnchorCharacter(text[end]) { end += 1 }
            let name = offset + 1 < end ? String(decoding: text[(offset + 1)..<end], as: UTF8.self) : ""
            return YAMLError(
                .syntax,
                "undefined alias '*\(name)': no anchor '&\(name)' is defined before it",
                at: location)
        }
        var message = "invalid YAML: \(problem)"
        if let context, context.line != line || context.column != column {
            message += " (\(context.text) at line \(context.line), column \(context.column))"
        }
        if offset < text.count && text[offset] == UInt8(ascii: "\t") || problem.contains("tab") {
            message += "; indent with spaces, not tabs"
        }
        return YAMLError(.syntax, message, at: location)
    }

    private static func isAnchorCharacter(_ char: UInt8) -> Bool {
        (char >= UInt8(ascii: "0") && char <= UInt8(ascii: "9"))
            || (char >= UInt8(ascii: "a") && char <= UInt8(ascii: "z"))
            || (char >= UInt8(ascii: "A") && char <= UInt8(ascii: "Z"))
            || char == UInt8(ascii: "_") || char == UInt8(ascii: "-")
    }
}
