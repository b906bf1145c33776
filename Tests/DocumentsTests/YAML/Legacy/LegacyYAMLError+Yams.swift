// The Yams-based composer that `YAMLComposer` replaced, kept for
// `YAMLComposerDifferentialTests` only: the new composer must answer every input as this did.
import Yams
@testable import Documents

extension YAMLError {
    /// The error Yams (or libyaml under it) reported, in Tollgate's words, at the line and
    /// column libyaml named. `text` is the UTF-8 text Yams parsed.
    init(legacyTranslating error: YamlError, text: [UInt8], file: String) {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            self = Self.legacySyntax(problem: problem, context: context, mark: mark, text: text, file: file)
        case let .reader(problem, offset, value, yaml):
            var location = SourceLocation.start(of: file)
            if let offset, let index = yaml.index(yaml.startIndex, offsetBy: offset, limitedBy: yaml.endIndex) {
                let byteOffset = yaml.utf8.distance(from: yaml.utf8.startIndex, to: index)
                location = YAMLTextCheck.location(ofByteOffset: byteOffset, in: text, file: file)
            }
            self.init(
                .notText,
                "not YAML text: \(problem) (\(YAMLTextCheck.hexCodePoint(UInt32(bitPattern: value))))",
                at: location)
        case let .duplicatedKeysInMapping(duplicates, context):
            self.init(
                .duplicateKey,
                "duplicate key '\(duplicates.first ?? "")': the mapping sets it more than once; keep only one",
                at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column))
        case .memory:
            self.init(.tooLarge, "the YAML parser ran out of memory; split the file", at: .start(of: file))
        default:
            self.init(.syntax, "the YAML parser failed: \(error)", at: .start(of: file))
        }
    }

    private static func legacySyntax(problem: String, context: YamlError.Context?, mark: Mark, text: [UInt8], file: String) -> YAMLError {
        let location = SourceLocation(file: file, line: mark.line, column: mark.column)
        let offset = YAMLTextCheck.byteOffset(line: mark.line, column: mark.column, in: text)
        if problem.hasPrefix("Maximum nesting level") {
            return YAMLError(
                .tooDeep,
                "the document nests lists and mappings deeper than the YAML parser's limit of 1000 levels; flatten it",
                at: location)
        }
        if problem == "found undefined alias" {
            var end = offset + 1
            while end < text.count, legacyIsAnchorCharacter(text[end]) { end += 1 }
            let name = offset + 1 < end ? String(decoding: text[(offset + 1)..<end], as: UTF8.self) : ""
            return YAMLError(
                .syntax,
                "undefined alias '*\(name)': no anchor '&\(name)' is defined before it",
                at: location)
        }
        var message = "invalid YAML: \(problem)"
        if let context, context.mark.line != mark.line || context.mark.column != mark.column {
            message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        if offset < text.count && text[offset] == UInt8(ascii: "\t") || problem.contains("tab") {
            message += "; indent with spaces, not tabs"
        }
        return YAMLError(.syntax, message, at: location)
    }

    private static func legacyIsAnchorCharacter(_ char: UInt8) -> Bool {
        (char >= UInt8(ascii: "0") && char <= UInt8(ascii: "9"))
            || (char >= UInt8(ascii: "a") && char <= UInt8(ascii: "z"))
            || (char >= UInt8(ascii: "A") && char <= UInt8(ascii: "Z"))
            || char == UInt8(ascii: "_") || char == UInt8(ascii: "-")
    }
}
