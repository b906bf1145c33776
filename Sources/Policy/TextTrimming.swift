extension String {
    /// The text without leading and trailing white space (Unicode White_Space: spaces, tabs,
    /// line breaks, and U+200B ZERO WIDTH SPACE), exactly what
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` trims — without Foundation's copy
    /// through `NSString`, which rules paid for on every text field.
    var trimmedOfWhitespace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !String.isTrimmedSpace($0) }),
              let last = scalars.lastIndex(where: { !String.isTrimmedSpace($0) }) else { return "" }
        return Substring(scalars[first...last])
    }

    /// Whether `trimmedOfWhitespace` trims the scalar.
    static func isTrimmedSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value == 0x200B
    }
}
