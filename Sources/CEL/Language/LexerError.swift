/// A malformed token: an unterminated string, a bad escape, an out-of-range number, a
/// character CEL does not use.
struct LexerError: Error, Sendable, Hashable {
    var message: String
    var position: SourcePosition
}

extension CELError {
    init(_ error: LexerError) {
        self.init(kind: .parse, message: error.message, position: error.position)
    }
}
