extension String {
    /// The text without leading and trailing white space (Unicode White_Space: spaces, tabs,
    /// line breaks), as `trimmingCharacters(in: .whitespacesAndNewlines)` gives it — without
    /// Foundation's copy through `NSString`, which rules paid for on every text field.
    var trimmedOfWhitespace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return Substring(scalars[first...last])
    }
}
