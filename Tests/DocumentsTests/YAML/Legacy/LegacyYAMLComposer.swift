// The Yams-based composer that `YAMLComposer` replaced, kept for
// `YAMLComposerDifferentialTests` only: the new composer must answer every input as this did.
import Yams
@testable import Documents

/// Parses checked text with Yams and converts every document. Runs on the parse thread.
enum LegacyYAMLComposer {
    static func compose(_ text: [UInt8], file: String, limits: YAMLLimits, rewrite: YAMLKeyRewrite? = nil) -> Result<[YAMLValue], YAMLError> {
        do {
            let parser = try Parser(
                yaml: String(decoding: text, as: UTF8.self),
                resolver: LegacyYAMLNodeConverter.resolver,
                constructor: .default,
                encoding: .utf8)
            // The parser owns the anchors the nodes refer to weakly, so it lives until the
            // last document is converted.
            var converter = LegacyYAMLNodeConverter(file: file, limits: limits, rewrite: rewrite)
            var documents: [YAMLValue] = []
            while let root = try parser.nextRoot() {
                documents.append(try converter.convert(root))
            }
            return .success(documents)
        } catch let error as YAMLError {
            return .failure(error)
        } catch let error as YamlError {
            if case let .duplicatedKeysInMapping(duplicates, context) = error {
                // With every key made unique Yams cannot find a duplicate; if it does anyway,
                // `locateDuplicate` falls back to the first occurrence.
                guard rewrite == nil else {
                    return .failure(YAMLError(.syntax, "keys could not be made unique", at: .start(of: file)))
                }
                return .failure(locateDuplicate(duplicates, first: context.mark, text: text, file: file, limits: limits))
            }
            return .failure(YAMLError(legacyTranslating: error, text: text, file: file))
        } catch {
            return .failure(YAMLError(.syntax, "the YAML parser failed: \(error)", at: .start(of: file)))
        }
    }

    /// Yams names a duplicate key only where it first appears. Parsing again with every
    /// key made unique lets the converter find the repetition, which is what the user
    /// has to remove; if that fails, the first occurrence is still a located answer.
    private static func locateDuplicate(_ duplicates: [String], first: Mark, text: [UInt8], file: String, limits: YAMLLimits) -> YAMLError {
        let fallback = YAMLError(
            .duplicateKey,
            "duplicate key '\(duplicates.first ?? "")': the mapping sets it more than once; keep only one",
            at: SourceLocation(file: file, line: first.line, column: first.column))
        let keys = YAMLKeyScanner.scalarKeys(in: text, file: file)
        guard !keys.isEmpty else { return fallback }
        let (rewritten, rewrite) = YAMLKeyRewrite.rewriting(text, keys: keys)
        if case .failure(let error) = compose(rewritten, file: file, limits: limits, rewrite: rewrite),
           error.reason == .duplicateKey {
            return error
        }
        return fallback
    }
}
