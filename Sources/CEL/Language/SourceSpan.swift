/// A point in a CEL expression's source text.
///
/// `offset` counts UTF-8 bytes from the start of the expression (0-based), so it can index
/// `source.utf8` directly; `line` and `column` are 1-based, with the column counted in
/// Unicode code points (as libyaml counts YAML columns), so an editor-facing location is
/// the YAML scalar's own line and column shifted by these.
struct SourcePosition: Sendable, Hashable {
    var offset: Int
    var line: Int
    var column: Int

    static let start = SourcePosition(offset: 0, line: 1, column: 1)
}

/// The extent of a token or expression node in the source text.
///
/// `location` is the point an error about the node reports: the operator of a binary
/// expression, the name of a call, the dot of a selection, the first character of a literal.
/// `start` and `end` are the UTF-8 byte offsets of the whole node (end exclusive).
struct SourceSpan: Sendable, Hashable {
    var location: SourcePosition
    var start: Int
    var end: Int

    init(location: SourcePosition, start: Int, end: Int) {
        self.location = location
        self.start = start
        self.end = end
    }

    /// A span that starts and reports at `position` and runs to `end`.
    init(at position: SourcePosition, end: Int) {
        self.init(location: position, start: position.offset, end: end)
    }

    /// This span widened to cover `other` too, keeping this span's reporting location.
    func covering(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(location: location, start: min(start, other.start), end: max(end, other.end))
    }

    /// This span with its reporting location moved to `position`.
    func reporting(at position: SourcePosition) -> SourceSpan {
        SourceSpan(location: position, start: start, end: end)
    }
}
