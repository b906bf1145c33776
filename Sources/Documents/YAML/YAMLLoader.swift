/// Reads YAML files into located values, treating every file as hostile input.
///
/// The pipeline: `YAMLTextCheck` (size, NUL, UTF-8, control characters) →
/// `YAMLKeyScanner` (alias and collection keys, `?` keys, nesting) → `YAMLComposer` on a
/// large-stack thread (libyaml's events straight to values: core schema, tags, node budget,
/// duplicate keys). Every failure is a `YAMLError` located at a 1-based line and column.
public enum YAMLLoader {
    /// Parses every document of the stream (a file may hold several `---` documents; the
    /// caller decides what that means). An empty file or a stream of only comments
    /// returns [].
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - file: the repository-relative path errors and values are located in.
    ///   - limits: the budget the file must fit in.
    public static func load(_ bytes: [UInt8], file: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLValue] {
        let text = try YAMLTextCheck.validatedText(bytes, file: file, limits: limits)
        try YAMLKeyScanner.check(text, file: file, limits: limits)
        return try YAMLParseThread.run {
            YAMLComposer.compose(text, file: file, limits: limits)
        }.get()
    }

    /// Parses a string; see `load(_:file:limits:)`.
    public static func load(_ text: String, file: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLValue] {
        try load(Array(text.utf8), file: file, limits: limits)
    }
}
