/// A CEL expression that does not follow the grammar, or that is longer or deeper than the
/// limits allow (`isLimit`).
final class ParserError: Error, Sendable {
    let message: String
    let position: SourcePosition
    let isLimit: Bool

    init(message: String, position: SourcePosition, isLimit: Bool = false) {
        self.message = message
        self.position = position
        self.isLimit = isLimit
    }
}

extension CELError {
    init(_ error: ParserError) {
        self.init(kind: error.isLimit ? .limit : .parse, message: error.message, position: error.position)
    }
}
