/// Turns checked text into located `YAMLValue`s straight from libyaml's event stream:
/// no intermediate node tree. Resolves scalars with the YAML 1.2 core schema, expands
/// aliases within the node budget, enforces the depth limit, and refuses what Tollgate
/// does not accept (non-text keys, duplicate keys, merge keys, tags outside the core
/// schema). Runs on the parse thread (`YAMLParseThread`), though it keeps its own stack
/// of open collections and never recurses per nesting level.
///
/// The order in which errors win is part of the contract (tests pin it, and it is what
/// the Yams-based composer this replaced reported): within one document, the errors of
/// its structure come first, wherever they are in the document: a syntax error, an
/// undefined alias, or a key repeated with the same tag (found when its mapping closes).
/// Only then do the value checks speak, in document order: tags, the core schema, the
/// node budget, the depth limit, duplicate keys. Documents are composed one at a time,
/// so an error in a later document is never reported before an earlier document's.
enum YAMLComposer {
    static func compose(_ text: [UInt8], file: String, limits: YAMLLimits, rewrite: YAMLKeyRewrite? = nil) -> Result<[YAMLValue], YAMLError> {
        var composer = YAMLEventComposer(file: file, limits: limits, rewrite: rewrite)
        switch composer.compose(text) {
        case .documents(let documents):
            return .success(documents)
        case .failed(let error):
            return .failure(error)
        case .repeatedKey(let key, let line, let column):
            // With every key made unique no key can repeat; if one does anyway,
            // `locateDuplicate` falls back to the first occurrence.
            guard rewrite == nil else {
                return .failure(YAMLError(.syntax, "keys could not be made unique", at: .start(of: file)))
            }
            return .failure(locateDuplicate(key, line: line, column: column, text: text, file: file, limits: limits))
        }
    }

    /// A key repeated with the same tag is known when its mapping closes, by its first
    /// occurrence, while the rest of the document has not been read. Composing again with
    /// every key made unique lets the value checks find the repetition in document order,
    /// which is what the user has to remove; if that fails, the first occurrence is still
    /// a located answer.
    private static func locateDuplicate(_ key: String, line: Int, column: Int, text: [UInt8], file: String, limits: YAMLLimits) -> YAMLError {
        let fallback = YAMLError(
            .duplicateKey,
            "duplicate key '\(key)': the mapping sets it more than once; keep only one",
            at: SourceLocation(file: file, line: line, column: column))
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
